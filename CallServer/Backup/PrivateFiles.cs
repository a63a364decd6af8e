namespace CallServer.Backup;

/// <summary>
/// The data dir holds signing keys, cached tokens (the embedded store's log) and call history: it is the server user's alone.
/// Folders are 0700 and files 0600 from the moment they are created, and older ones are narrowed on start.
/// </summary>
internal static class PrivateFiles
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (and missing parents) as 0700, or narrows an existing folder to 0700.</summary>
    public static string Folder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return path;
        }

        if (Directory.Exists(path))
        {
            Narrow(path, FolderMode);
        }
        else
        {
            Directory.CreateDirectory(path, FolderMode);
        }

        return path;
    }

    /// <summary>Opens a new file for writing, 0600 from its creation; <see cref="IOException"/> when it exists.</summary>
    public static FileStream CreateNew(string path, FileOptions options = FileOptions.None, int bufferSize = 4096)
    {
        var open = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, Options = options, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows())
        {
            open.UnixCreateMode = FileMode;
        }

        return new FileStream(path, open);
    }

    /// <summary>Creates an empty 0600 file when <paramref name="path"/> does not exist, or narrows the existing one to 0600.</summary>
    public static void File(string path)
    {
        try
        {
            CreateNew(path).Dispose();
        }
        catch (IOException) when (System.IO.File.Exists(path))
        {
            if (!OperatingSystem.IsWindows())
            {
                Narrow(path, FileMode);
            }
        }
    }

    private static void Narrow(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            if ((System.IO.File.GetUnixFileMode(path) & ~mode) != 0)
            {
                System.IO.File.SetUnixFileMode(path, mode);
            }
        }
        catch (UnauthorizedAccessException)
        {
            // not ours to change (a mounted volume owned by another user): it stays as the operator made it
        }
    }
}
