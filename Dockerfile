# Multi-stage build: npm fetches the browser client's SignalR library, the SDK builds and publishes, the ASP.NET runtime
# image runs the server as a non-root user.
FROM node:20-bookworm-slim AS client
WORKDIR /src/CallServer/ClientApp
COPY CallServer/ClientApp/package.json CallServer/ClientApp/package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig appsettings.json ./
COPY CallServer/CallServer.csproj CallServer/
COPY CallServer.Domain/CallServer.Domain.csproj CallServer.Domain/
RUN dotnet restore CallServer/CallServer.csproj
COPY CallServer.Domain/ CallServer.Domain/
COPY CallServer/ CallServer/
# the build copies the pinned client library from node_modules into wwwroot/lib (no npm needed in this stage)
COPY --from=client /src/CallServer/ClientApp/node_modules CallServer/ClientApp/node_modules
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
