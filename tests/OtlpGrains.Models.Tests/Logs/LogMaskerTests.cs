using OtlpGrains.Models.Logs;
using Xunit;

namespace OtlpGrains.Models.Tests.Logs;

public sealed class LogMaskerTests
{
    [Theory]
    [InlineData("generating core.2275 and core.25350", "generating core.<*> and core.<*>")]
    [InlineData("Error Recovery for block BP-1347369012-10.190.173.170-1444972147527:blk_1073742826_2022", "Error Recovery for block BP-<*>:<*>")]
    [InlineData("PacketResponder 1 for block blk_-6952295868487656571 terminating", "PacketResponder <*> for block <*> terminating")]
    [InlineData("took 12ms, read 10KB and 4GiB in 3.5s", "took <*>, read <*> and <*> in <*>")]
    [InlineData("flags=0x1, mask=ffffffff token=Token{a64f992", "flags=<*>, mask=<*> token=Token{<*>")]
    [InlineData("request 123e4567-e89b-12d3-a456-426614174000 done", "request <*> done")]
    [InlineData("from 173.234.31.186 port 38926 via [10.1.2.3]:", "from <*> port <*> via [<*>]:")]
    [InlineData("peer fe80::1ff:fe23:4567:890a and 00:11:43:e3:ba:c3", "peer <*> and <*>")]
    [InlineData("proxy.cse.cuhk.edu.hk:5070 open through msra-sa-41/10.190.173.170:8030", "<*> open through <*>")]
    [InlineData("read /etc/httpd/conf/workers2.properties and C:\\Windows\\x.dll", "read <*> and <*>")]
    [InlineData("tag=\"View Lock\", name=android", "tag=\"<*>\", name=android")]
    [InlineData("uid=0 euid=0 tty=:0 ruser= rhost=", "uid=<*> euid=<*> tty=:<*> ruser= rhost=")]
    [InlineData("node node-246 and CentOS-4 on eth1 over ssh2", "node node-<*> and CentOS-<*> on eth1 over ssh2")]
    [InlineData("queue jA9J1UvC004306: sent", "queue <*>: sent")]
    [InlineData("visible=true shown=false ws=null", "visible=<*> shown=<*> ws=<*>")]
    [InlineData("0 bytes sent, 1178 bytes (1.15 KB) received, lifetime <1 sec", "<*> sent, <*> received, lifetime <*>")]
    [InlineData("connection from 1.2.3.4 () at Fri Jun 17 07:07:00 2005", "connection from <*> () at <*>")]
    [InlineData("Reading broadcast variable 7 took 12 ms after 900 seconds", "Reading broadcast variable <*> took <*> after <*> seconds")]
    [InlineData("mice.c(1766) at [ib_sm_sweep.c:1831]: Loaded Stack v6.1.7601.23505", "mice.c(<*>) at [ib_sm_sweep.c:<*>]: Loaded Stack <*>")]
    [InlineData("  spaced\tout  ", "spaced out")]
    public void MasksVariables(string body, string expected)
    {
        var line = new MaskedLine();
        LogMasker.Mask(body, line, maxTokens: 64, maxTokenChars: 512);
        Assert.Equal(expected, line.ToString());
    }

    [Fact]
    public void LongLinesEndInOneWildcardAndLongTokensAreOne()
    {
        var line = new MaskedLine();
        LogMasker.Mask("a b c d e f", line, maxTokens: 3, maxTokenChars: 512);
        Assert.Equal("a b <*>", line.ToString());

        LogMasker.Mask("x " + new string('q', 600) + " y", line, maxTokens: 64, maxTokenChars: 512);
        Assert.Equal("x <*> y", line.ToString());
    }

    [Fact]
    public void AQuotedValueIsOneTokenOnlyWhenItCloses()
    {
        var line = new MaskedLine();
        LogMasker.Mask("tag=\"a b c\" x=\"open and never closed", line, maxTokens: 64, maxTokenChars: 512);
        Assert.Equal("tag=\"<*>\" x=\"open and never closed", line.ToString());

        LogMasker.Mask("msg=\"" + string.Join(' ', Enumerable.Repeat("word", 100)) + "\" end", line, maxTokens: 200, maxTokenChars: 512);
        Assert.Equal(101, line.Count); // too long to be one value: its 100 words stay words, then "end"
    }

    [Fact]
    public void EmptyAndBlankBodiesHaveNoTokens()
    {
        var line = new MaskedLine();
        LogMasker.Mask("   ", line, maxTokens: 64, maxTokenChars: 512);
        Assert.Equal(0, line.Count);
    }
}
