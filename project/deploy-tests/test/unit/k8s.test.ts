import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import {
  allPorts,
  callGraph,
  INGRESS_CONTROLLER,
  infrastructure,
  serviceNames,
  services,
} from '../support/addresses.js';
import { k8sDir, k8sFiles, k8sObjects, readText, readYaml, type Yaml } from '../support/files.js';
import { byKind, find, mainContainer, operatorSecrets, podSpec, resolvePort } from '../support/k8s.js';
import { allowedEdges, CLUSTER_DNS } from '../support/network-policy.js';

// kubernetes-models 4 is CommonJS: one module per apiVersion/kind.
const require = createRequire(import.meta.url);

function modelFor(apiVersion: string, kind: string): new (data: unknown) => { validate(): void } {
  const group = apiVersion.includes('/') ? apiVersion : `v1`;
  const exported = require(`kubernetes-models/${group}/${kind}`);
  const model = exported[kind];
  if (!model) throw new Error(`kubernetes-models has no ${apiVersion} ${kind}`);
  return model;
}

const objects = k8sObjects();
const kustomization = readYaml('project', 'k8s', 'kustomization.yaml');

describe('project/k8s kustomize base', () => {
  test('when kustomize builds the base, then it lists exactly the manifest files present', () => {
    assert.deepEqual([...kustomization.resources].sort(), k8sFiles());
  });

  test('when every object is validated against the Kubernetes schemas, then none is invalid', () => {
    assert.ok(objects.length > 0);
    for (const { file, object } of objects) {
      const Model = modelFor(object.apiVersion, object.kind);
      assert.doesNotThrow(
        () => new Model(object).validate(),
        `${file}: ${object.kind} ${object.metadata?.name}`,
      );
    }
  });

  test('when the base is deleted, then its namespace (and the volume claims in it) stays: the base does not create it', () => {
    assert.ok(kustomization.namespace, 'the base must name its namespace');
    assert.equal(find(objects, 'Namespace', kustomization.namespace), undefined);
    const deploy = readText('project', 'DEPLOY.md');
    assert.ok(
      deploy.includes(`kubectl create namespace ${kustomization.namespace}`),
      'DEPLOY.md must create it',
    );
  });

  test('when kubectl renders the base, then every object it renders passes the Kubernetes schemas, with the replicas and probes of the files', (t) => {
    const result = spawnSync('kubectl', ['kustomize', k8sDir], { encoding: 'utf8', timeout: 60_000 });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      t.skip('kubectl is not installed; the schema checks above still ran');
      return;
    }
    assert.equal(result.status, 0, result.stderr);
    const rendered: Yaml[] = parseAllDocuments(result.stdout).map((doc) => doc.toJS());
    // The same objects as the files and the generated ConfigMap (datastore-init), which k8sObjects() holds too.
    assert.equal(rendered.length, objects.length);
    for (const object of rendered) {
      const Model = modelFor(object.apiVersion, object.kind);
      assert.doesNotThrow(
        () => new Model(object).validate(),
        `rendered ${object.kind} ${object.metadata?.name}`,
      );
      assert.equal(object.metadata.namespace ?? kustomization.namespace, kustomization.namespace);
      if (object.kind !== 'Deployment') continue;
      const container = object.spec.template.spec.containers[0];
      assert.ok(container.livenessProbe && container.readinessProbe, `${object.metadata.name} has no probes`);
      const file = find(objects, 'Deployment', object.metadata.name)!.object;
      assert.equal(object.spec.replicas, file.spec.replicas, object.metadata.name);
    }
  });

  test('when a workload refers to a ConfigMap or Secret key, then it exists', () => {
    for (const { file, object } of [...byKind(objects, 'Deployment'), ...byKind(objects, 'StatefulSet')]) {
      for (const container of podSpec(object).containers) {
        for (const source of container.envFrom ?? []) {
          const ref = source.configMapRef ?? source.secretRef;
          assert.ok(
            find(objects, source.configMapRef ? 'ConfigMap' : 'Secret', ref.name),
            `${file}: ${ref.name}`,
          );
        }
        for (const entry of container.env ?? []) {
          const ref = entry.valueFrom?.configMapKeyRef ?? entry.valueFrom?.secretKeyRef;
          if (!ref) continue;
          if (entry.valueFrom.secretKeyRef && operatorSecrets().get(ref.name)?.includes(ref.key)) continue;
          // A key the operator may add to a Secret of theirs (SMTP credentials).
          if (entry.valueFrom.secretKeyRef && ref.optional && operatorSecrets().has(ref.name)) continue;
          const target = find(objects, entry.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret', ref.name);
          assert.ok(target, `${file}: ${entry.name} refers to missing ${ref.name}`);
          const keys = { ...target.object.data, ...target.object.stringData };
          assert.ok(ref.key in keys, `${file}: ${entry.name} refers to missing key ${ref.name}/${ref.key}`);
        }
      }
    }
  });

  for (const name of serviceNames) {
    describe(name, () => {
      const deployment = find(objects, 'Deployment', name);
      const service = find(objects, 'Service', name);

      test('when deployed, then its own file holds its Deployment and Service', () => {
        assert.equal(deployment?.file, `${name}.yaml`);
        assert.equal(service?.file, `${name}.yaml`);
      });

      test('when labelled, then selectors, pod labels and the Service agree on app.kubernetes.io/name', () => {
        const d = deployment!.object;
        assert.equal(d.metadata.labels['app.kubernetes.io/name'], name);
        assert.equal(d.spec.selector.matchLabels['app.kubernetes.io/name'], name);
        assert.equal(d.spec.template.metadata.labels['app.kubernetes.io/name'], name);
        assert.deepEqual(service!.object.spec.selector, { 'app.kubernetes.io/name': name });
      });

      test('when probed, then liveness asks /ping and readiness asks /readyz on the HTTP port', () => {
        const container = mainContainer(deployment!.object);
        const http = services[name]!.http;
        assert.equal(container.livenessProbe?.httpGet?.path, '/ping');
        assert.equal(container.readinessProbe?.httpGet?.path, '/readyz');
        assert.equal(resolvePort(container, container.livenessProbe.httpGet.port), http);
        assert.equal(resolvePort(container, container.readinessProbe.httpGet.port), http);
      });

      test('when scheduled, then it declares CPU and memory requests and limits', () => {
        const { resources } = mainContainer(deployment!.object);
        for (const kind of ['requests', 'limits']) {
          assert.ok(resources?.[kind]?.cpu && resources[kind].memory, `${kind} missing`);
        }
      });

      test('when running, then it runs as a non-root numeric user without privilege escalation', () => {
        const pod = podSpec(deployment!.object);
        const container = mainContainer(deployment!.object);
        const context = { ...pod.securityContext, ...container.securityContext };
        assert.equal(context.runAsNonRoot, true);
        assert.ok(
          Number.isInteger(context.runAsUser) && context.runAsUser > 0,
          'runAsUser must be a non-zero UID',
        );
        assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
      });

      test('when addressed, then container ports and Service ports match the documented ports', () => {
        const container = mainContainer(deployment!.object);
        const containerPorts = container.ports.map((p: Yaml) => p.containerPort).sort();
        assert.deepEqual(containerPorts, allPorts(name).sort());
        for (const port of service!.object.spec.ports) {
          assert.equal(
            resolvePort(container, port.targetPort ?? port.port),
            port.port,
            `${name} port ${port.name}`,
          );
        }
        assert.deepEqual(service!.object.spec.ports.map((p: Yaml) => p.port).sort(), allPorts(name).sort());
      });
    });
  }

  test('when the listener is deployed, then it runs two replicas', () => {
    assert.equal(find(objects, 'Deployment', 'listener-service')?.object.spec.replicas, 2);
  });

  test('when the services run, then the broker, authentication, logger, listener and mail run two replicas each, as in Swarm', () => {
    for (const name of [
      'broker-service',
      'authentication-service',
      'logger-service',
      'listener-service',
      'mail-service',
    ]) {
      assert.equal(find(objects, 'Deployment', name)?.object.spec.replicas, 2, name);
    }
  });

  test('when the limits are counted, then Redis runs with probes, a pinned image and no persistence, and the two services that count reach it', () => {
    const redis = find(objects, 'Deployment', 'redis')?.object;
    assert.ok(redis, 'no Deployment redis');
    const container = mainContainer(redis);
    assert.match(container.image, /^redis:\d+/);
    assert.ok(container.livenessProbe && container.readinessProbe, 'redis has no probes');
    assert.ok(container.args.includes('--save'), 'redis keeps nothing on disk');
    for (const name of ['broker-service', 'authentication-service']) {
      const env = mainContainer(find(objects, 'Deployment', name)!.object).env as Yaml[];
      assert.equal(
        env.find((e) => e.name === 'REDIS_URL')?.value,
        'redis://:$(REDIS_PASSWORD)@redis:6379',
        name,
      );
    }
  });

  test('when data stores run, then they are StatefulSets with volume claims behind a governing Service', () => {
    for (const name of ['postgres', 'mongo', 'rabbitmq']) {
      const set = find(objects, 'StatefulSet', name);
      assert.ok(set, `no StatefulSet ${name}`);
      assert.ok(set.object.spec.volumeClaimTemplates?.length, `${name} has no volumeClaimTemplates`);
      const governing = find(objects, 'Service', set.object.spec.serviceName);
      assert.ok(governing, `${name}: serviceName ${set.object.spec.serviceName} has no Service`);
      const ports = governing.object.spec.ports.map((p: Yaml) => p.port).sort();
      assert.deepEqual(ports, [...infrastructure[name]!].sort());
    }
  });

  test('when mail is sent, then MailHog runs as a Deployment with SMTP and UI ports', () => {
    assert.ok(find(objects, 'Deployment', 'mailhog'));
    const ports = find(objects, 'Service', 'mailhog')!
      .object.spec.ports.map((p: Yaml) => p.port)
      .sort();
    assert.deepEqual(ports, [...infrastructure.mailhog!].sort());
  });

  test('when the Ingress routes, then it reaches the page, the broker and the admin UI on ports their Services expose', () => {
    const ingresses = byKind(objects, 'Ingress');
    assert.ok(ingresses.length > 0, 'no Ingress');
    const backends = ingresses.flatMap(({ object }) =>
      object.spec.rules.flatMap((rule: Yaml) => rule.http.paths.map((p: Yaml) => p.backend.service)),
    );
    assert.deepEqual([...new Set(backends.map((b: Yaml) => b.name))].sort(), [
      'broker-service',
      'front-end',
      'logger-service',
    ]);
    for (const backend of backends) {
      const target = find(objects, 'Service', backend.name);
      assert.ok(target, `Ingress backend ${backend.name} has no Service`);
      const ports = target.object.spec.ports;
      const matches = ports.some((p: Yaml) => p.port === backend.port.number || p.name === backend.port.name);
      assert.ok(matches, `Ingress reaches ${backend.name} on a port its Service does not expose`);
      if (backend.port.number !== undefined) assert.equal(backend.port.number, services[backend.name]!.http);
    }
  });

  test('when /metrics or another internal path is asked through the Ingress, then no rule routes it', () => {
    const rules = byKind(objects, 'Ingress').flatMap(({ object }) => object.spec.rules);
    // Kubernetes path matching: Exact is the whole path, Prefix whole path elements.
    const routes = (path: string) =>
      rules.some((rule: Yaml) =>
        rule.http.paths.some((p: Yaml) =>
          p.pathType === 'Exact'
            ? p.path === path
            : p.path === '/' || path === p.path || path.startsWith(`${p.path.replace(/\/$/, '')}/`),
        ),
      );
    for (const path of ['/metrics', '/readyz', '/health/dependencies', '/log', '/api/log']) {
      assert.equal(routes(path), false, `the Ingress routes ${path}`);
    }
    for (const path of ['/', '/handle', '/log-grpc', '/static/app.js', '/login', '/admin/dashboard']) {
      assert.equal(routes(path), true, `the Ingress does not route ${path}`);
    }
  });

  test('when the page calls the broker, then BROKER_URL and CORS_ORIGINS name the Ingress hosts', () => {
    const config = find(objects, 'ConfigMap', 'suite-config')!.object.data;
    const hostFor = (serviceName: string) =>
      byKind(objects, 'Ingress')
        .flatMap(({ object }) => object.spec.rules)
        .find((rule: Yaml) => rule.http.paths.some((p: Yaml) => p.backend.service.name === serviceName))
        ?.host;
    assert.equal(new URL(config.BROKER_URL).hostname, hostFor('broker-service'));
    const origins = String(config.CORS_ORIGINS).split(',');
    assert.ok(origins.some((o) => new URL(o).hostname === hostFor('front-end')));
  });
});

describe('project/k8s network policies', () => {
  const policies = byKind(objects, 'NetworkPolicy').map(({ object }) => object);
  const workloads = [...byKind(objects, 'Deployment'), ...byKind(objects, 'StatefulSet')].map(
    ({ object }) => object.metadata.name as string,
  );

  test('when nothing else allows it, then every pod is denied traffic in and out', () => {
    const deny = policies.find(
      (p) =>
        Object.keys(p.spec.podSelector ?? {}).length === 0 &&
        !p.spec.ingress?.length &&
        !p.spec.egress?.length,
    );
    assert.ok(deny, 'no default-deny policy (podSelector {} without rules)');
    assert.deepEqual([...deny.spec.policyTypes].sort(), ['Egress', 'Ingress']);
  });

  test('when each service and data store runs, then a NetworkPolicy of its own governs both directions', () => {
    assert.deepEqual(workloads.sort(), [...serviceNames, ...Object.keys(infrastructure)].sort());
    for (const name of workloads) {
      const own = policies.filter(
        (p) =>
          p.spec.podSelector?.matchLabels?.['app.kubernetes.io/name'] === name &&
          [...(p.spec.policyTypes ?? [])].sort().join() === 'Egress,Ingress',
      );
      assert.equal(own.length, 1, `${name} has ${own.length} policies of its own`);
    }
  });

  test("when the policies are read together, then they allow exactly the README's calls, the Ingress controller and DNS", () => {
    const { ingress, egress } = allowedEdges(policies, workloads);
    const expected = callGraph.flatMap(({ from, to, ports }) =>
      ports.map((port) => `${from} -> ${to} TCP/${port}`),
    );
    assert.deepEqual(ingress, [...expected].sort());
    const dns = workloads.flatMap((w) => [`${w} -> ${CLUSTER_DNS} TCP/53`, `${w} -> ${CLUSTER_DNS} UDP/53`]);
    const outgoing = expected.filter((edge) => !edge.startsWith(INGRESS_CONTROLLER));
    assert.deepEqual(egress, [...outgoing, ...dns].sort());
  });

  test('when a service believes X-Forwarded-For from private ranges, then only the pods meant to send it reach it', () => {
    const { ingress } = allowedEdges(policies, workloads);
    const callersOf = (name: string) =>
      [
        ...new Set(
          ingress.filter((e) => e.split(' -> ')[1]!.startsWith(`${name} `)).map((e) => e.split(' -> ')[0]),
        ),
      ].sort();
    for (const { object } of byKind(objects, 'Deployment')) {
      const trusted = (mainContainer(object).env ?? []).find(
        (e: Yaml) => e.name === 'TRUSTED_PROXIES',
      )?.value;
      if (!trusted || trusted === 'none') continue;
      const name = object.metadata.name as string;
      const meant = [...new Set(callGraph.filter((c) => c.to === name).map((c) => c.from))].sort();
      assert.deepEqual(callersOf(name), meant, name);
    }
    assert.deepEqual(callersOf('authentication-service'), ['broker-service', 'logger-service']);
  });

  test('when MailHog runs, then only the mail-service reaches it, on SMTP: its UI and API are for port-forward', () => {
    const { ingress } = allowedEdges(policies, workloads);
    assert.deepEqual(
      ingress.filter((e) => / -> mailhog /.test(e)),
      ['mail-service -> mailhog TCP/1025'],
    );
    assert.ok(!byKind(objects, 'Ingress').some(({ object }) => JSON.stringify(object).includes('mailhog')));
    assert.match(readText('project', 'DEPLOY.md'), /port-forward svc\/mailhog 8025/);
  });
});
