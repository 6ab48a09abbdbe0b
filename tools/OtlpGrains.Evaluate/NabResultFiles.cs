using System.Globalization;
using System.Text;
using OtlpGrains.Models.Evaluation.Nab;

namespace OtlpGrains.Evaluate;

/// <summary>
/// <c>--out</c>: one CSV per corpus file in the benchmark's results layout
/// (<c>&lt;category&gt;/&lt;detector&gt;_&lt;file&gt;</c>: timestamp, value, anomaly_score, label, and S(t) per
/// profile at that profile's threshold), plus <c>&lt;detector&gt;_summary.csv</c> with each profile's threshold and
/// scores, so that a run can be compared row by row with another detector's.
/// </summary>
internal static class NabResultFiles
{
    public static void Write(string directory, string detector, NabCorpus corpus, double[][] scores, IReadOnlyList<NabProfileResult> results)
    {
        for (int f = 0; f < corpus.Files.Count; f++)
        {
            NabFile file = corpus.Files[f];
            string path = Path.Combine(directory, file.Category, $"{detector}_{Path.GetFileName(file.RelativePath)}");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var text = new StringBuilder("timestamp,value,anomaly_score,label");
            foreach (NabProfileResult result in results)
            {
                text.Append(",S(t)_").Append(result.Profile.Name);
            }

            text.Append('\n');
            for (int row = 0; row < file.RowCount; row++)
            {
                bool inWindow = file.Windows.Any(w => w.Contains(row));
                text.Append(CultureInfo.InvariantCulture, $"{file.Timestamps[row]:yyyy-MM-dd HH:mm:ss},{file.Values[row]:R},{scores[f][row]:R},{(inWindow ? 1 : 0)}");
                foreach (NabProfileResult result in results)
                {
                    text.Append(CultureInfo.InvariantCulture, $",{result.Files[f].Contributions[row]:R}");
                }

                text.Append('\n');
            }

            File.WriteAllText(path, text.ToString());
        }

        var summary = new StringBuilder("profile,threshold,raw_score,normalized_score\n");
        foreach (NabProfileResult result in results)
        {
            summary.Append(CultureInfo.InvariantCulture, $"{result.Profile.Name},{result.Threshold:R},{result.RawScore:R},{result.NormalizedScore:R}\n");
        }

        File.WriteAllText(Path.Combine(directory, $"{detector}_summary.csv"), summary.ToString());
    }
}
