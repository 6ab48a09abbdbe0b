// Compiled by MSBuild's RoslynCodeTaskFactory (TorchSharpNatives.targets), not part of OtlpGrains.Models.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Utilities;
using Microsoft.Build.Framework;

/// <summary>
/// Whether the host's libstdc++.so.6 defines a symbol version such as GLIBCXX_3.4.32: the version node's name is
/// stored, NUL-terminated, in the library's dynamic string table, so finding it in the file is enough. No libstdc++
/// at the usual places counts as "not defined", which leads to the patch (harmless where it is not needed).
/// </summary>
public sealed class OtlpGrainsHostDefinesVersion : Task
{
    private static readonly string[] Candidates =
    [
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    ];

    [Required]
    public string Version { get; set; } = "";

    [Output]
    public bool Defined { get; set; }

    public override bool Execute()
    {
        byte[] wanted = Encoding.ASCII.GetBytes(Version + "\0");
        foreach (string path in Candidates)
        {
            if (System.IO.File.Exists(path))
            {
                Defined = Contains(System.IO.File.ReadAllBytes(path), wanted);
                Log.LogMessage(MessageImportance.Low, "{0} {1} {2}", path, Defined ? "defines" : "lacks", Version);
                return true;
            }
        }

        return true;
    }

    // The task compiles against netstandard, without span search: a plain scan over a ~2 MB file.
    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = Array.IndexOf(haystack, needle[0]); i >= 0 && i <= haystack.Length - needle.Length; i = Array.IndexOf(haystack, needle[0], i + 1))
        {
            int j = 1;
            while (j < needle.Length && haystack[i + j] == needle[j])
            {
                j++;
            }

            if (j == needle.Length)
            {
                return true;
            }
        }

        return false;
    }
}
