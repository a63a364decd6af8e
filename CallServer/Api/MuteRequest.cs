namespace CallServer.Api;

/// <summary>
/// What a moderator turns off. The explicit form: <c>muteAudio</c> / <c>muteVideo</c>, true turns that media off. The older
/// form: <c>audio</c> / <c>video</c>, false turns it off and true or left out leaves it. A mute never turns media on, and a
/// request that turns nothing off is refused.
/// </summary>
internal sealed record MuteRequest(bool? Audio = null, bool? Video = null, bool? MuteAudio = null, bool? MuteVideo = null)
{
    /// <summary>What stays as it is (the command's terms): null when the request turns nothing off.</summary>
    public (bool KeepAudio, bool KeepVideo)? Keep()
    {
        var (offAudio, offVideo) = MuteAudio is not null || MuteVideo is not null
            ? (MuteAudio == true, MuteVideo == true)
            : (Audio == false, Video == false);
        return offAudio || offVideo ? (!offAudio, !offVideo) : null;
    }
}
