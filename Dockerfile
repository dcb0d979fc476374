# syntax=docker/dockerfile:1
# FailoverDns: built with the .NET SDK, run on the ASP.NET Core runtime image as a non-root user.
#   docker build -t failoverdns .
#   docker run -d --name failoverdns -p 53:5300/udp -p 53:5300/tcp \
#     -v "$PWD/config:/etc/failoverdns:ro" -v failoverdns-state:/var/lib/failoverdns failoverdns
# The README's "Docker" section explains every choice below; tests/FailoverDns.Server.Tests/Hosting/
# PublishedOutputTests.cs runs the published output with this file's entry point and environment.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore with only the project files first, so this layer is reused until a dependency changes.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/FailoverDns.Protocol/FailoverDns.Protocol.csproj src/FailoverDns.Protocol/
COPY src/FailoverDns.Zones/FailoverDns.Zones.csproj src/FailoverDns.Zones/
COPY src/FailoverDns.Health/FailoverDns.Health.csproj src/FailoverDns.Health/
COPY src/FailoverDns.Configuration/FailoverDns.Configuration.csproj src/FailoverDns.Configuration/
COPY src/FailoverDns.Server/FailoverDns.Server.csproj src/FailoverDns.Server/
RUN dotnet restore src/FailoverDns.Server/FailoverDns.Server.csproj
COPY src/ src/
# The same publish command .ci/run runs before the tests, which start its output (framework-dependent).
RUN dotnet publish src/FailoverDns.Server/FailoverDns.Server.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# The sample config as a default; mount your own directory over /etc/failoverdns.
COPY config/ /etc/failoverdns/
# Overrides set through the admin API are kept here, on a volume, across restarts.
RUN mkdir -p /var/lib/failoverdns && chown 1654:1654 /var/lib/failoverdns
VOLUME /var/lib/failoverdns
# DNS on a high port inside the container: it needs no capability or sysctl, so the image also runs
# under --cap-drop ALL, no-new-privileges and Kubernetes' runAsNonRoot. Map it to 53 on the host.
ENV FAILOVERDNS_CONFIG=/etc/failoverdns/failoverdns.yaml \
    FAILOVERDNS_LISTEN=0.0.0.0:5300 \
    FAILOVERDNS_STATE_FILE=/var/lib/failoverdns/failoverdns.state.json
EXPOSE 5300/udp 5300/tcp
# The image's own non-root user ("app"), by number so runAsNonRoot can verify it.
USER 1654:1654
# The admin API's liveness endpoint at its default, 127.0.0.1:8053, asked by the server binary itself (the image
# has no curl). If the config moves the admin API, run with --health-cmd 'dotnet /app/failoverdns.dll healthcheck
# http://ADDRESS:PORT/healthz'; if it turns the API off, with --no-healthcheck.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["dotnet", "/app/failoverdns.dll", "healthcheck"]
# SIGTERM (docker stop) stops the server cleanly within its 5 s shutdown timeout.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "/app/failoverdns.dll"]
