import { INGRESS_CONTROLLER } from './addresses.js';
import type { Yaml } from './files.js';

/** The cluster DNS, the one peer every pod may reach. */
export const CLUSTER_DNS = 'cluster DNS';

/** One allowed connection: who opens it, to whom, on which protocol/port. */
export type Edge = `${string} -> ${string} ${string}`;

/**
 * A peer of a rule, named: a workload of the base (by app.kubernetes.io/name), the Ingress controller,
 * the cluster DNS, or "anything ..." for a peer wider than one of those (which no test expects).
 */
function peerName(peer: Yaml): string {
  const only = (labels: Yaml, key: string) =>
    labels?.matchLabels && !labels.matchExpressions && Object.keys(labels.matchLabels).length === 1
      ? labels.matchLabels[key]
      : undefined;
  if (peer.ipBlock) return `anything in ${peer.ipBlock.cidr}`;
  if (peer.namespaceSelector) {
    const namespace = only(peer.namespaceSelector, 'kubernetes.io/metadata.name');
    if (namespace === 'ingress-nginx' && !peer.podSelector) return INGRESS_CONTROLLER;
    if (namespace === 'kube-system' && only(peer.podSelector, 'k8s-app') === 'kube-dns') return CLUSTER_DNS;
    return `anything in namespaces ${JSON.stringify(peer.namespaceSelector)}`;
  }
  return (
    only(peer.podSelector, 'app.kubernetes.io/name') ?? `anything like ${JSON.stringify(peer.podSelector)}`
  );
}

/** The workloads a policy applies to: all for `podSelector: {}`, else those whose name label matches. */
export function selectedWorkloads(policy: Yaml, workloads: string[]): string[] {
  const selector = policy.spec.podSelector ?? {};
  if (!selector.matchLabels && !selector.matchExpressions) return workloads;
  const name = selector.matchLabels?.['app.kubernetes.io/name'];
  if (!name || selector.matchExpressions || Object.keys(selector.matchLabels).length !== 1) {
    throw new Error(`policy ${policy.metadata.name} selects pods by more than their name`);
  }
  return workloads.filter((w) => w === name);
}

const portsOf = (rule: Yaml): string[] =>
  rule.ports?.length ? rule.ports.map((p: Yaml) => `${p.protocol ?? 'TCP'}/${p.port}`) : ['any/any'];

/**
 * Every connection the policies let in (ingress, seen from the callee) and let out (egress, seen from
 * the caller). Under a default deny a connection between two pods needs both.
 */
export function allowedEdges(policies: Yaml[], workloads: string[]): { ingress: Edge[]; egress: Edge[] } {
  const ingress = new Set<Edge>();
  const egress = new Set<Edge>();
  for (const policy of policies) {
    const selected = selectedWorkloads(policy, workloads);
    for (const rule of policy.spec.ingress ?? []) {
      const peers: string[] = rule.from?.length ? rule.from.map(peerName) : ['anything at all'];
      for (const to of selected)
        for (const from of peers) for (const port of portsOf(rule)) ingress.add(`${from} -> ${to} ${port}`);
    }
    for (const rule of policy.spec.egress ?? []) {
      const peers: string[] = rule.to?.length ? rule.to.map(peerName) : ['anything at all'];
      for (const from of selected)
        for (const to of peers) for (const port of portsOf(rule)) egress.add(`${from} -> ${to} ${port}`);
    }
  }
  return { ingress: [...ingress].sort(), egress: [...egress].sort() };
}
