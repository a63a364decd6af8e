using System.ComponentModel.DataAnnotations;

namespace CallServer.Auth;

/// <summary>Participant tokens and the admin key (<c>Auth:*</c>).</summary>
internal sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>HMAC key of participant tokens, at least 32 characters; generated once into the data dir when not set.</summary>
    [RegularExpression("^$|^.{32,}$", ErrorMessage = "Auth:SigningKey must be at least 32 characters.")]
    public string? SigningKey { get; set; }

    /// <summary>The <c>X-Api-Key</c> of admin endpoints; with none, they answer 403.</summary>
    [RegularExpression("^$|^.{16,}$", ErrorMessage = "Auth:AdminKey must be at least 16 characters.")]
    public string? AdminKey { get; set; }

    /// <summary>The HMAC key the app's backend signs join tokens with; set, every join needs one (tokens mode).</summary>
    [RegularExpression("^$|^.{32,}$", ErrorMessage = "Auth:JoinSecret must be at least 32 characters.")]
    public string? JoinSecret { get; set; }

    /// <summary>The previous join secret, still accepted while the backend rotates to the new one.</summary>
    [RegularExpression("^$|^.{32,}$", ErrorMessage = "Auth:JoinSecretPrevious must be at least 32 characters.")]
    public string? JoinSecretPrevious { get; set; }

    /// <summary>When set, a join token's <c>iss</c> must be this.</summary>
    public string? JoinIssuer { get; set; }

    /// <summary>When set, a join token's <c>aud</c> must be this.</summary>
    public string? JoinAudience { get; set; }

    /// <summary>The longest a join token may be valid for, from its <c>iat</c> (or <c>nbf</c>) to its <c>exp</c>.</summary>
    [Range(1, 24 * 60)]
    public int MaxJoinTokenMinutes { get; set; } = 60;

    /// <summary>How long a participant token (from a join) is valid; it also stops working once its participant is no longer in the room.</summary>
    [Range(1, 7 * 24 * 60)]
    public int TokenLifetimeMinutes { get; set; } = 24 * 60;

    public const string Issuer = "callserver";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // one key for both would let the app's backend (or whoever holds the join secret) mint participant tokens directly
        if (!string.IsNullOrEmpty(SigningKey) && (SigningKey == JoinSecret || SigningKey == JoinSecretPrevious))
        {
            yield return new ValidationResult("Auth:SigningKey must differ from Auth:JoinSecret and Auth:JoinSecretPrevious.", [nameof(SigningKey)]);
        }
    }

    public const string Audience = "callserver-rooms";
}
