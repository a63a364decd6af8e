using System.ComponentModel.DataAnnotations;

namespace CallServer.Media;

/// <summary>How rooms carry media (<c>Media:*</c>): mesh relay (default), Janus or Kurento; the ICE servers clients use.</summary>
internal sealed class MediaOptions : IValidatableObject
{
    public const string Section = "Media";

    /// <summary>How rooms carry media: <c>mesh</c> (peer connections between participants, signalled through the hub), <c>janus</c> or <c>kurento</c> (an SFU).</summary>
    [RegularExpression("^(mesh|janus|kurento)$", ErrorMessage = "Media:Mode is mesh, janus or kurento.")]
    public string Mode { get; set; } = MediaModes.Mesh;

    /// <summary>The STUN and TURN servers handed to clients with every join (<c>iceServers</c>).</summary>
    public List<IceServerOptions> IceServers { get; set; } = [];

    /// <summary>The shared secret of the TURN server (coturn <c>use-auth-secret</c> / <c>static-auth-secret</c>).</summary>
    public string? TurnSecret { get; set; }

    /// <summary>How long TURN credentials computed from <see cref="TurnSecret"/> stay valid.</summary>
    [Range(60, 7 * 24 * 3600)]
    public int TurnCredentialTtlSeconds { get; set; } = 3600;

    /// <summary>Calls this instance holds on the SFU (Janus VideoRooms, Kurento pipelines) before a new one is refused (503).</summary>
    [Range(1, 1_000_000)]
    public int MaxCalls { get; set; } = 1_000;

    public JanusOptions Janus { get; set; } = new();

    public KurentoOptions Kurento { get; set; } = new();

    /// <summary>The nested settings' own rules (DataAnnotations validation does not look into them by itself).</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, nested) in new (string, object)[] { ("Janus", Janus), ("Kurento", Kurento) })
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(nested, new ValidationContext(nested), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    yield return new ValidationResult(result.ErrorMessage, [.. result.MemberNames.Select(m => $"{name}.{m}")]);
                }
            }
        }
    }
}
