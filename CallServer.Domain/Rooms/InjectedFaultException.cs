namespace CallServer.Domain.Rooms;

/// <summary>The crash a <see cref="RoomFaultInjector"/> asked for.</summary>
internal sealed class InjectedFaultException(string roomId) : Exception($"Injected fault in room '{roomId}'.");
