# Multi-stage build: the SDK builds and publishes, the ASP.NET runtime image runs it as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig appsettings.json ./
COPY CallServer/CallServer.csproj CallServer/
RUN dotnet restore CallServer/CallServer.csproj
COPY CallServer/ CallServer/
RUN dotnet publish CallServer/CallServer.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# the embedded store, the embedded history and the generated signing key live here: mount a volume to keep them
RUN mkdir -p /data && chown app:app /data
ENV Storage__DataDir=/data \
    ASPNETCORE_ENVIRONMENT=Production
VOLUME /data
USER app
EXPOSE 8080
ENTRYPOINT ["dotnet", "CallServer.dll", "--urls", "http://0.0.0.0:8080"]
