# The commands people type. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
COMPOSE ?= $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
# One stack name everywhere (project/swarm.yml and project/DEPLOY.md say `suite` too).
STACK ?= suite
# Image names: $(REGISTRY)/<service>:$(TAG), as docker-compose.yml, project/swarm.yml and project/k8s name them.
REGISTRY ?= local
# The namespace project/k8s/kustomization.yaml deploys into.
K8S_NAMESPACE ?= microservices-suite
SERVICES := broker-service front-end logger-service authentication-service mail-service listener-service
TAG ?= latest

.PHONY: help install build lint up up_build down logs auth broker logger mail listener front run test bench \
	images push swarm_up swarm_down k8s_up k8s_down test-containers test-swarm clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z0-9_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: ## Install dependencies from the lock file (npm ci)
	npm ci

node_modules: package-lock.json
	npm ci
	@touch node_modules

build: node_modules ## Compile every package (tsc -b)
	npm run build

lint: node_modules ## Lint and check formatting (biome)
	npm run lint

# The administrator's password without set-up: SEED_PASSWORD (shell or .env), else .data/admin-password.
COMPOSE_UP := COMPOSE="$(COMPOSE)" bash project/compose-up.sh up -d

up: ## Docker Compose: start the suite (Compose v2 builds our six images first: they are never pulled)
	$(COMPOSE_UP)

up_build: ## Docker Compose: build every image, then start the suite
	$(COMPOSE_UP) --build

down: ## Docker Compose: stop the suite
	$(COMPOSE) down

logs: ## Docker Compose: follow every service's logs
	$(COMPOSE) logs -f --tail=100

auth: ## Docker Compose: rebuild and restart authentication-service
	$(COMPOSE_UP) --build --no-deps authentication-service
broker: ## Docker Compose: rebuild and restart broker-service
	$(COMPOSE) up -d --build --no-deps broker-service
logger: ## Docker Compose: rebuild and restart logger-service
	$(COMPOSE) up -d --build --no-deps logger-service
mail: ## Docker Compose: rebuild and restart mail-service
	$(COMPOSE) up -d --build --no-deps mail-service
listener: ## Docker Compose: rebuild and restart listener-service
	$(COMPOSE) up -d --build --no-deps listener-service
front: ## Docker Compose: rebuild and restart front-end
	$(COMPOSE) up -d --build --no-deps front-end

run: node_modules ## Without Docker: every service as a local process (Ctrl-C stops all)
	@bash project/infra.sh
	npm run build
	node project/launcher/dist/main.js

test: node_modules ## The test suite: build, type-check the tests, lint, every package's tests against real servers
	@bash project/infra.sh
	npm run typecheck
	npm run lint
	npm test --workspaces --if-present

bench: node_modules ## Benchmarks: every broker path under load, with the platform's ceilings
	@bash project/infra.sh
	npm run bench

images: ## Build every service image as $(REGISTRY)/<service>:$(TAG)
	for s in $(SERVICES); do docker build -f $$s/Dockerfile -t $(REGISTRY)/$$s:$(TAG) . || exit 1; done

push: ## Push every service image to $(REGISTRY) (refuses the default `local`, which is no registry)
	@if [ "$(REGISTRY)" = local ]; then echo "set REGISTRY, e.g. make push REGISTRY=registry.example.com/suite"; exit 1; fi
	for s in $(SERVICES); do docker push $(REGISTRY)/$$s:$(TAG) || exit 1; done

# Every node must be able to pull the images, so with a REGISTRY they are pushed before deploying.
swarm_up: images ## Docker Swarm: deploy stack $(STACK) (project/swarm.yml, Caddy in front; needs its passwords, see project/DEPLOY.md)
	@if [ "$(REGISTRY)" != local ]; then $(MAKE) --no-print-directory push; fi
	REGISTRY=$(REGISTRY) TAG=$(TAG) docker stack deploy -c project/swarm.yml $(STACK)

swarm_down: ## Docker Swarm: remove the stack
	docker stack rm $(STACK)

# The Secrets are made once per namespace with random values (project/DEPLOY.md, "Kubernetes") and kept
# by k8s_down, like the data they guard.
k8s_up: ## Kubernetes: create namespace $(K8S_NAMESPACE) and its Secrets (random passwords) when missing, apply project/k8s
	kubectl get namespace $(K8S_NAMESPACE) >/dev/null 2>&1 || kubectl create namespace $(K8S_NAMESPACE)
	kubectl -n $(K8S_NAMESPACE) get secret suite-credentials >/dev/null 2>&1 || \
	  kubectl -n $(K8S_NAMESPACE) create secret generic suite-credentials \
	    --from-literal=SEED_PASSWORD=$$(openssl rand -base64 18) \
	    --from-literal=POSTGRES_PASSWORD=$$(openssl rand -hex 24) \
	    --from-literal=AUTH_DB_PASSWORD=$$(openssl rand -hex 24) \
	    --from-literal=MONGO_ROOT_PASSWORD=$$(openssl rand -hex 24) \
	    --from-literal=LOGGER_MONGO_PASSWORD=$$(openssl rand -hex 24) \
	    --from-literal=RABBITMQ_PASSWORD=$$(openssl rand -hex 24) \
	    --from-literal=REDIS_PASSWORD=$$(openssl rand -hex 24)
	kubectl -n $(K8S_NAMESPACE) get secret logger-session >/dev/null 2>&1 || \
	  kubectl -n $(K8S_NAMESPACE) create secret generic logger-session --from-literal=SESSION_SECRET=$$(openssl rand -hex 32)
	kubectl apply -k project/k8s
	@echo "Admin UI: http://admin.suite.localhost/login (admin@example.com; password:" \
	  "kubectl -n $(K8S_NAMESPACE) get secret suite-credentials -o jsonpath='{.data.SEED_PASSWORD}' | base64 -d)"

k8s_down: ## Kubernetes: delete what the base created (the namespace, volume claims and session Secret stay)
	kubectl delete -k project/k8s

test-containers: node_modules ## Build every image and run docker-compose.yml end to end under podman (installs what it needs)
	npm run build
	bash project/containers/test-containers.sh

test-swarm: node_modules ## Deploy project/swarm.yml on a private one-node Swarm (its own dockerd) and check two replicas of every service
	npm run build
	bash project/containers/test-swarm.sh

clean: ## Remove build output, test output, benchmark results and local stand-in data
	rm -rf */dist project/*/dist */test-output bench/results .data
	find . -name '*.tsbuildinfo' -not -path './node_modules/*' -delete
