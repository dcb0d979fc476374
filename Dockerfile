# syntax=docker/dockerfile:1
# FailoverDns: build with the SDK, run on the ASP.NET runtime image as a non-root user.
#   docker build -t failoverdns .
#   docker run -d --name failoverdns -p 53:5300/udp -p 53:5300/tcp \
#     -v "$PWD/config:/etc/failoverdns:ro" failoverdns

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore with only the project files, so the restore layer is reused until a dependency changes.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/FailoverDns.Protocol/FailoverDns.Protocol.csproj src/FailoverDns.Protocol/
COPY src/FailoverDns.Zones/FailoverDns.Zones.csproj src/FailoverDns.Zones/
COPY src/FailoverDns.Health/FailoverDns.Health.csproj src/FailoverDns.Health/
COPY src/FailoverDns.Server/FailoverDns.Server.csproj src/FailoverDns.Server/
RUN dotnet restore src/FailoverDns.Server/FailoverDns.Server.csproj
COPY src/ src/
# The same publish command CI runs and tests (see scripts/publish.sh).
RUN dotnet publish src/FailoverDns.Server/FailoverDns.Server.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
COPY config/failoverdns.yaml config/failoverdns.schema.json /etc/failoverdns/
COPY config/zones /etc/failoverdns/zones
# A high port inside the container: no capability or sysctl is needed, so the image also runs
# under --cap-drop ALL and no-new-privileges. Map it to 53 on the host: -p 53:5300/udp -p 53:5300/tcp.
ENV FAILOVERDNS_CONFIG=/etc/failoverdns/failoverdns.yaml \
    FAILOVERDNS_LISTEN=0.0.0.0:5300
EXPOSE 5300/udp 5300/tcp
USER 10053:10053
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "/app/failoverdns.dll"]
