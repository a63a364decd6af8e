namespace CallServer.Rooms.Commands;

/// <summary>A participant's request to the media server; the worker starts it and answers when the media server has.</summary>
internal abstract record MediaRequest(string ParticipantId) : RoomCommand;
