# Hub server image. Build: docker build -t hub .
# Node and npm for the build only: Hub.Adapters.Chat bundles the web chat widget from its sources (npm ci in
# clients/js, then widget/build.mjs). Copied in rather than installed, so the version is the image's, not the distro's.
FROM node:22-bookworm-slim AS node

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && node --version && npm --version
WORKDIR /src
COPY . .
RUN dotnet publish server/Hub.Server -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080 \
    Storage__SqlitePath=/data/hub.db \
    Auth__SigningKeyPath=/data/jwt-signing.key
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD wget -qO- http://localhost:8080/health/live || exit 1
ENTRYPOINT ["dotnet", "Hub.Server.dll"]
