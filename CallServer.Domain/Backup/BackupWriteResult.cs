namespace CallServer.Domain.Backup;

/// <summary>The outcome of a compare-and-set backup write.</summary>
/// <param name="Written">True when the new state is stored; false when the backup held another version.</param>
/// <param name="StoredVersion">The version the backup holds after the call.</param>
internal readonly record struct BackupWriteResult(bool Written, long StoredVersion);
