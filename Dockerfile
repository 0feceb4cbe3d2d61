# One image for every part of the NIRM suite. The part is chosen at run time:
#   docker run -e NIRM_PART=risk nirm          (or: docker run nirm serve risk --host 0.0.0.0)
# `serve` migrates the part's database, then serves it; with replicas, a job runs
# `migrate PART` and the replicas `serve --no-migrate` (README.md, "Scaling out"). Every
# setting comes from the environment (README.md, "Configuration").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# An unprivileged user with a fixed uid. Its home, /var/lib/nirm, is the gateway's data
# folder (the token-signing key), mounted as a volume that takes over this ownership.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /var/lib/nirm \
        --shell /usr/sbin/nologin nirm

WORKDIR /src
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
COPY gateway ./gateway
COPY identification_svc ./identification_svc
COPY risk_svc ./risk_svc
COPY referral_svc ./referral_svc
# Installed as a package (migrations included), so the sources are not needed at run time.
RUN pip install . && rm -rf /src

USER nirm
WORKDIR /var/lib/nirm
EXPOSE 8000 8001 8002 8003
ENTRYPOINT ["python", "-m", "services"]
CMD ["serve", "--host", "0.0.0.0"]
