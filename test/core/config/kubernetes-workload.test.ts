import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { ReadFile } from '../../../src/core/config/compose-service.js';
import { readManifests, workloadEntries, type WorkloadQuery } from '../../../src/core/config/kubernetes-workload.js';

const MANIFESTS = `apiVersion: v1
kind: ConfigMap
metadata: { name: cart-config }
data:
  LOG_LEVEL: info
  REDIS_PORT: "6379"
---
apiVersion: v1
kind: Secret
metadata: { name: cart-secrets }
data:
  PASSWORD: ${Buffer.from('hunter2').toString('base64')}
stringData:
  TOKEN: plain-token
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: cart }
spec:
  template:
    spec:
      containers:
        - name: server
          envFrom:
            - configMapRef: { name: cart-config }
            - secretRef: { name: cart-secrets }
              prefix: SECRET_
            - configMapRef: { name: not-here, optional: true }
          env:
            - name: LOG_LEVEL
              value: debug
            - name: REDIS_ADDR
              value: "redis:$(REDIS_PORT)"
            - name: DB_PASSWORD
              valueFrom: { secretKeyRef: { name: cart-secrets, key: PASSWORD } }
            - name: POD_IP
              valueFrom: { fieldRef: { fieldPath: status.podIP } }
            - name: EXTERNAL
              valueFrom: { secretKeyRef: { name: made-by-the-cluster, key: x } }
            - name: MAYBE
              valueFrom: { configMapKeyRef: { name: not-here, key: x, optional: true } }
            - name: LITERAL
              value: "$$(NOT_A_REF) $(NOBODY)"
            - name: DB_URL
              value: "postgres://cart:$(DB_PASSWORD)@db/cart"
            - name: SELF_URL
              value: "http://$(POD_IP):8080"
        - name: sidecar
          env: [{ name: SIDE, value: car }]
`;

const files: ReadFile[] = [{ path: 'k8s/cart.yaml', text: MANIFESTS, tracked: true }];
const query = (q: Partial<WorkloadQuery> = {}): WorkloadQuery => ({ workload: 'cart', container: 'server', at: { file: 'tranche.yaml', line: 1 }, ...q });

function entriesOf(q: Partial<WorkloadQuery> = {}) {
  const { objects, findings } = readManifests(files);
  assert.deepEqual(findings, []);
  return workloadEntries(objects, query(q));
}

describe('kubernetes workloads', () => {
  test('envFrom, then env over it: ConfigMaps and Secrets of the same manifests, $(VAR), prefixes, optional refs', () => {
    const { entries, findings, used } = entriesOf();
    assert.deepEqual(findings, []);
    assert.deepEqual(used, ['k8s/cart.yaml']);
    const last = new Map(entries.map((e) => [e.key, e]));
    const value = (key: string) => last.get(key)?.value;
    assert.equal(value('LOG_LEVEL'), 'debug', 'env over envFrom');
    assert.equal(value('REDIS_PORT'), '6379');
    assert.equal(value('SECRET_PASSWORD'), 'hunter2', "a Secret's data is base64-decoded, under its prefix");
    assert.equal(value('SECRET_TOKEN'), 'plain-token');
    assert.equal(value('REDIS_ADDR'), 'redis:6379');
    assert.deepEqual(
      last.get('REDIS_ADDR')?.resolved?.refs.map((r) => [r.name, r.from?.location.line]),
      [['REDIS_PORT', 6]],
    );
    assert.equal(value('DB_PASSWORD'), 'hunter2');
    assert.equal(last.get('DB_PASSWORD')?.secret, true);
    assert.equal(last.get('DB_PASSWORD')?.line, 12, "located at the Secret's key");
    assert.equal(last.get('POD_IP')?.atRunTime, 'by Kubernetes (fieldRef status.podIP)');
    assert.equal(last.get('EXTERNAL')?.atRunTime, 'from the Secret made-by-the-cluster, which is not in the manifests');
    assert.equal(last.has('MAYBE'), false, 'an optional reference to nothing sets nothing');
    assert.deepEqual([value('DB_URL'), last.get('DB_URL')?.secret], ['postgres://cart:hunter2@db/cart', true], 'built from a Secret: a secret');
    assert.deepEqual(
      [value('SELF_URL'), last.get('SELF_URL')?.atRunTime],
      ['', 'built from POD_IP, set at run time'],
      'built from what only the cluster knows',
    );
    assert.equal(value('LITERAL'), '$(NOT_A_REF) $(NOBODY)');
    assert.deepEqual(last.get('LITERAL')?.resolved?.unresolved, [{ name: 'NOBODY' }]);
    assert.equal(last.get('LOG_LEVEL')?.line, 30, 'an env entry is located at its item');
  });

  test('the workload and the container must be there, and say which when several could be', () => {
    assert.match(entriesOf({ workload: 'nope' }).findings[0]!.message, /no workload named nope in the manifests \(they have Deployment\/cart\)/);
    assert.match(entriesOf({ container: undefined }).findings[0]!.message, /Deployment\/cart has 2 containers \(server, sidecar\): name one with container:/);
    assert.match(entriesOf({ container: 'web' }).findings[0]!.message, /has no container web \(it has server, sidecar\)/);
    assert.deepEqual(
      entriesOf({ container: 'sidecar' }).entries.map((e) => [e.key, e.value]),
      [['SIDE', 'car']],
    );
  });

  test('a document that does not parse is located; other files and documents are still read', () => {
    const { objects, findings } = readManifests([
      ...files,
      { path: 'k8s/bad.yaml', text: 'kind: ConfigMap\nmetadata: { name: x\n---\nkind: Service\nmetadata: { name: ok }\n', tracked: true },
    ]);
    assert.equal(findings[0]?.location?.file, 'k8s/bad.yaml');
    assert.ok(objects.some((o) => o.kind === 'Service' && o.name === 'ok'));
    assert.ok(objects.some((o) => o.kind === 'Deployment'));
  });
});

// The model: the kubelet's expansion (its expansion package, Expand and tryReadVariableName, as
// a recursive reading): "$$" is "$"; "$(" reads a name up to the first ")" and gives its value
// when defined before, else the reference as written; "$(" with no ")" and "$" before anything
// else give both characters and the reading goes on after them; a "$" at the end stays.
function kubeletExpand(text: string, defined: Map<string, string>): string {
  const dollar = text.indexOf('$');
  if (dollar === -1 || dollar === text.length - 1) return text;
  const head = text.slice(0, dollar);
  const rest = text.slice(dollar + 1);
  if (rest[0] === '$') return `${head}$${kubeletExpand(rest.slice(1), defined)}`;
  const close = rest[0] === '(' ? rest.indexOf(')') : -1;
  if (close === -1) return `${head}$${rest[0]}${kubeletExpand(rest.slice(1), defined)}`;
  const name = rest.slice(1, close);
  return head + (defined.get(name) ?? `$(${name})`) + kubeletExpand(rest.slice(close + 1), defined);
}

describe('kubernetes workloads against a model of the kubelet', () => {
  test('property: every variable is what the kubelet gives the container (envFrom then env, $(VAR) from the ones before)', () => {
    const NAMES = ['A', 'B_1', 'c.d', 'x-y', 'PORT'];
    const name = fc.constantFrom(...NAMES);
    const piece = fc.oneof(
      fc.stringMatching(/^[a-z0-9:/ ]{0,5}$/),
      name.map((n) => `$(${n})`),
      fc.constantFrom('$$', '$', '$(', '$(A', '$$(A)', '$(A$(B_1)', ')'),
    );
    const value = fc.array(piece, { maxLength: 4 }).map((p) => p.join(''));
    fc.assert(
      fc.property(fc.dictionary(name, fc.stringMatching(/^[a-z0-9]{0,4}$/), { maxKeys: 3 }), fc.array(fc.tuple(name, value), { maxLength: 6 }), (data, env) => {
        const docs = [
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data },
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'w' },
            spec: {
              template: {
                spec: { containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'cm' } }], env: env.map(([n, v]) => ({ name: n, value: v })) }] },
              },
            },
          },
        ];
        const text = docs.map((d) => stringify(d)).join('---\n');
        const { objects, findings } = readManifests([{ path: 'k.yaml', text, tracked: true }]);
        assert.deepEqual(findings, []);
        const { entries } = workloadEntries(objects, { workload: 'w', at: { file: 'tranche.yaml' } });
        const defined = new Map<string, string>(Object.entries(data));
        for (const [n, v] of env) defined.set(n, kubeletExpand(v, defined));
        const ours = new Map(entries.map((e) => [e.key, String(e.value)]));
        assert.deepEqual(ours, defined, text);
      }),
      { numRuns: 300 },
    );
  });
});
