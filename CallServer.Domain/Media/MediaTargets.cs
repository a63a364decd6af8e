namespace CallServer.Domain.Media;

/// <summary>Which of a participant's peer connections a candidate belongs to: its publishing, or the subscription to a publisher (by id).</summary>
internal static class MediaTargets
{
    public const string Publish = "publish";
}
