using OtlpGrains.Agent.Bpf;
using OtlpGrains.Agent.Tls;

namespace OtlpGrains.Agent.Capture;

/// <summary>
/// What <c>agent check</c> reports: whether the capture loads and attaches here, one line per capability, and
/// the reason when it does not work.
/// </summary>
public static class CaptureCheck
{
    private const string KernelBtf = "/sys/kernel/btf/vmlinux";

    public static CaptureCheckResult Run(string? objectPath = null)
    {
        var options = new SocketCaptureOptions { PollInBackground = false };
        if (objectPath is not null)
        {
            options.ObjectPath = objectPath;
        }

        var lines = new List<string>();
        uint euid;
        try
        {
            euid = Libc.GetEffectiveUserId();
            LibBpfLog.Mark(); // also proves libbpf.so.1 resolves
        }
        catch (DllNotFoundException e)
        {
            return Fail(lines, $"libbpf.so.1 or libc not found ({e.Message}); install libbpf1");
        }

        lines.Add(euid == 0 ? "privileges: root" : $"privileges: euid {euid}, not root");
        if (euid != 0)
        {
            return Fail(lines, "not root: loading BPF needs root (or CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE)");
        }

        bool btf = File.Exists(KernelBtf);
        lines.Add(btf ? $"kernel BTF: {KernelBtf}" : $"kernel BTF: missing ({KernelBtf})");
        if (!btf)
        {
            return Fail(lines, "no kernel BTF: CO-RE needs a kernel built with CONFIG_DEBUG_INFO_BTF");
        }

        bool hasObject = File.Exists(options.ObjectPath);
        lines.Add(hasObject ? $"BPF object: {options.ObjectPath}" : $"BPF object: missing ({options.ObjectPath})");
        if (!hasObject)
        {
            return Fail(lines, "the BPF object was not built: install clang llvm libbpf-dev bpftool and rebuild");
        }

        var reasons = new List<string>();
        bool anyWorks = false;
        foreach (AttachGroup group in AttachGroup.All)
        {
            options.AttachGroups = [group];
            try
            {
                using var capture = SocketCapture.Start(options);
                lines.Add($"{group.Description}: load and attach ok ({capture.Programs.Count} programs), ring buffer ok");
                anyWorks = true;
            }
            catch (BpfException e)
            {
                lines.Add($"{group.Description}: {e.Message}");
                reasons.Add(e.Message);
            }
        }

        lines.Add("kprobes, fentry: no programs in this build (kprobes are missing here, fentry is refused)");
        if (anyWorks)
        {
            lines.AddRange(TlsLines(options));
        }

        if (!anyWorks)
        {
            return Fail(lines, string.Join("; ", reasons));
        }

        lines.Add("BPF works here");
        return new CaptureCheckResult(true, lines, null);
    }

    // TLS is optional: one line per library kind says what the uprobes would see now, and the check's verdict does not
    // depend on them.
    private static IEnumerable<string> TlsLines(SocketCaptureOptions options)
    {
        options.AttachGroups = AttachGroup.All;
        options.TlsProbes = true;
        options.TlsRescanInterval = TimeSpan.Zero;
        SocketCapture capture;
        try
        {
            capture = SocketCapture.Start(options);
        }
        catch (BpfException e)
        {
            return TlsLibraryKinds.All.Select(kind => $"{kind.DisplayName()} uprobes: unavailable ({e.Message})");
        }

        using (capture)
        {
            if (capture.Tls is not { } tls)
            {
                return TlsLibraryKinds.All.Select(kind => $"{kind.DisplayName()} uprobes: unavailable ({capture.TlsUnavailableReason ?? "not loaded"})");
            }

            return [.. TlsLibraryKinds.All.Select(kind => TlsLine(tls, kind))];
        }
    }

    private static string TlsLine(TlsProbes tls, TlsLibraryKind kind)
    {
        (string files, string none) = kind switch
        {
            TlsLibraryKind.OpenSsl => ("libssl", "no libssl mapped by any process yet"),
            TlsLibraryKind.GnuTls => ("libgnutls", "no libgnutls mapped by any process yet"),
            _ => ("Go executables", "no Go executable using crypto/tls running yet"),
        };
        IReadOnlyList<string> attached = tls.LibrariesOf(kind);
        int failed = tls.FailuresOf(kind);
        string failures = failed > 0 ? $", {failed} failed ({tls.LastFailure})" : string.Empty;
        return attached.Count == 0
            ? $"{kind.DisplayName()} uprobes: ok, {none} (attached as they appear){failures}"
            : $"{kind.DisplayName()} uprobes: attached to {attached.Count} {files} ({string.Join(", ", attached)}){failures}";
    }

    private static CaptureCheckResult Fail(List<string> lines, string reason)
    {
        lines.Add($"BPF does not work here: {reason}");
        return new CaptureCheckResult(false, lines, reason);
    }
}
