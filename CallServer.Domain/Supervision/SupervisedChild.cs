namespace CallServer.Domain.Supervision;

/// <summary>A service under the <see cref="ServiceSupervisor"/>, with the name it has in logs and in <c>/health/ready</c>.</summary>
internal sealed record SupervisedChild(string Name, ISupervisedService Service);
