namespace OtlpGrains.Silo.Storage;

/// <summary>One embedded schema script: its version (the file's number prefix), file name and SQL text.</summary>
internal readonly record struct SchemaScript(int Version, string Name, string Sql);
