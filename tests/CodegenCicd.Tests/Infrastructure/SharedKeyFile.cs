using CodegenCicd.Data.KeyEncryption;

namespace CodegenCicd.Tests.Infrastructure;

/// <summary>
/// One generated key-encryption certificate per test run, copied into each factory's key folder
/// before it starts: generating its 3072-bit RSA key costs about half a second of CPU, and a run
/// starts hundreds of apps. KeyRingEncryptionTests removes the copy to see the app generate its own.
/// </summary>
internal static class SharedKeyFile
{
    private static readonly Lazy<byte[]> Pfx = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("codegencicd-kek-").FullName;
        GeneratedCertificate.LoadOrCreate(folder).Dispose();
        var bytes = File.ReadAllBytes(Path.Combine(folder, KeyEncryptionOptions.GeneratedFileName));
        TempFolder.TryDelete(folder);
        return bytes;
    });

    public static void CopyInto(string keyFolder)
    {
        Directory.CreateDirectory(keyFolder);
        var path = Path.Combine(keyFolder, KeyEncryptionOptions.GeneratedFileName);
        File.WriteAllBytes(path, Pfx.Value);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
