# syntax=docker/dockerfile:1
#
# The conntrack job's image: the official Flink image with the job's one jar in /opt/flink/usrlib
# (what a session cluster, an application cluster and the Flink Kubernetes Operator run; Flink
# loads only the jar's top level) and the same jar for the one-shot commands (`nfct send ...`,
# `nfct events ...`, through java -jar).
#
#   docker build -t nfct:latest .
#   docker run --rm nfct:latest nfct --help

# ---- build: the same Maven build as on a workstation ----------------------------------------
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# Tests run in CI, not in the image build; the format check runs with the build.
RUN mvn -B -q -DskipTests -pl job -am package \
    && cp job/target/conntrack-job.jar /tmp/

# ---- run: Flink 2.2 on Java 17 --------------------------------------------------------------
FROM flink:2.2-java17
# curl for the compose healthchecks; nothing else is added to the base image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build --chown=flink:flink /tmp/conntrack-job.jar /opt/flink/usrlib/conntrack-job.jar
COPY --chown=flink:flink samples/sample.pcap /opt/nfct/sample.pcap
COPY --chmod=0755 deploy/nfct.sh /usr/local/bin/nfct
# java -jar copies the runtime Flink does not need from the jar once; done here, so that every
# one-shot container starts at once and a read-only root file system works.
ENV NFCT_JAR=/opt/flink/usrlib/conntrack-job.jar NFCT_CACHE_DIR=/opt/nfct/cache
RUN java -jar "$NFCT_JAR" --help > /dev/null
# Checkpoints and savepoints of the compose stack: a named volume starts with this owner.
RUN mkdir -p /flink-data/checkpoints /flink-data/savepoints && chown -R flink:flink /flink-data
# The Prometheus reporter ships with Flink as a plugin; the compose file and k8s/ turn it on.
# The base image's entrypoint stays: `jobmanager`, `taskmanager`, `standalone-job` as usual.
