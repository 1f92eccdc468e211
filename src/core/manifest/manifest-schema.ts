// The JSON Schema of tranche.yaml. schema/tranche.schema.json is written from this object by
// `npm run schema` (a test keeps the two equal), so editors and tranche validate against one schema.

import { FIXED_RULES, RULES } from '../rules/rule-ids.js';
import { DRIVER_NAMES, ON_FAILURE } from './manifest.js';

export const manifestSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://tranche.dev/schema/tranche.schema.json',
  title: 'tranche fleet manifest (tranche.yaml), format version 1',
  description:
    'Describes a fleet: its environments, rollout policy, shared resources and services. Use with yaml-language-server: add `# yaml-language-server: $schema=./node_modules/tranche/schema/tranche.schema.json` at the top of tranche.yaml.',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'name', 'environments', 'services'],
  properties: {
    version: {
      description: 'Format version of this file.',
      const: 1,
    },
    name: {
      description: "The fleet's name.",
      $ref: '#/definitions/name',
    },
    environments: {
      description: 'Deployment targets, in order of criticality (the first is the least critical).',
      type: 'object',
      minProperties: 1,
      propertyNames: {
        $ref: '#/definitions/name',
      },
      additionalProperties: {
        $ref: '#/definitions/environment',
      },
    },
    policy: {
      $ref: '#/definitions/policy',
    },
    resources: {
      description: 'Shared infrastructure services connect to, with per-environment values.',
      type: 'object',
      propertyNames: {
        $ref: '#/definitions/name',
      },
      additionalProperties: {
        $ref: '#/definitions/resource',
      },
    },
    services: {
      description: 'The deployable units of the fleet.',
      type: 'object',
      minProperties: 1,
      propertyNames: {
        $ref: '#/definitions/name',
      },
      additionalProperties: {
        $ref: '#/definitions/service',
      },
    },
  },
  definitions: {
    name: {
      type: 'string',
      pattern: '^(?![0-9]+$)[A-Za-z0-9][A-Za-z0-9_.-]*$',
      maxLength: 63,
    },
    paths: {
      description: 'A path, or a list of them.',
      oneOf: [
        {
          type: 'string',
          minLength: 1,
        },
        {
          type: 'array',
          minItems: 1,
          items: {
            type: 'string',
            minLength: 1,
          },
        },
      ],
    },
    argv: {
      description: 'A command as an argument list (never a shell string).',
      type: 'array',
      minItems: 1,
      items: {
        type: 'string',
      },
    },
    duration: {
      description: 'A duration such as 250ms, 5s, 2m or 1m30s.',
      type: 'string',
      pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$',
    },
    scalar: {
      type: ['string', 'number', 'boolean'],
    },
    environment: {
      type: 'object',
      additionalProperties: false,
      required: ['driver'],
      properties: {
        driver: {
          description: 'How services are deployed in this environment.',
          enum: DRIVER_NAMES,
        },
      },
    },
    policy: {
      description: 'How releases roll out.',
      type: 'object',
      additionalProperties: false,
      properties: {
        batch_size: {
          description: 'At most this many services deploy at once.',
          type: 'integer',
          minimum: 1,
        },
        bake: {
          description: 'Keep re-running sanity checks this long after a batch before going on.',
          $ref: '#/definitions/duration',
        },
        on_failure: {
          description: 'What a failed gate does.',
          enum: ON_FAILURE,
        },
        separate_config: {
          description: 'Config-only changes go out in their own batches before code changes.',
          type: 'boolean',
        },
        rules: {
          description: 'Severity per rule id.',
          type: 'object',
          propertyNames: {
            // Every rule id but those a fleet cannot set (FIXED_RULES): the one list is RULES.
            enum: Object.keys(RULES).filter((id) => !(FIXED_RULES as readonly string[]).includes(id)),
          },
          additionalProperties: {
            enum: ['error', 'warn', 'info', 'off'],
          },
        },
      },
    },
    resource: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'values'],
      properties: {
        kind: {
          enum: ['postgres', 'redis', 'http', 'tcp', 'kafka', 'amqp', 'nats'],
        },
        values: {
          description:
            "Per environment, the resource's fields (host, port, database, url...). A kafka, amqp or nats resource takes only its own fields (docs/manifest.md).",
          type: 'object',
          additionalProperties: {
            type: 'object',
            propertyNames: {
              pattern: '^[A-Za-z_][A-Za-z0-9_-]*$',
            },
            additionalProperties: {
              $ref: '#/definitions/scalar',
            },
          },
        },
      },
    },
    service: {
      type: 'object',
      additionalProperties: false,
      required: ['path'],
      properties: {
        path: {
          description: 'Repo-relative directory the service owns; commits touching it belong to the service.',
          type: 'string',
          minLength: 1,
        },
        watch: {
          description: 'Other repo paths whose changes also affect the service.',
          type: 'array',
          items: {
            type: 'string',
            minLength: 1,
          },
        },
        environments: {
          description: 'The environments it runs in: a list, or { except: [...] } for all but some (default: all). Every command leaves it out of the others.',
          oneOf: [
            {
              type: 'array',
              uniqueItems: true,
              items: {
                type: 'string',
              },
            },
            {
              type: 'object',
              additionalProperties: false,
              required: ['except'],
              properties: {
                except: {
                  type: 'array',
                  uniqueItems: true,
                  items: {
                    type: 'string',
                  },
                },
              },
            },
          ],
        },
        depends_on: {
          description: 'Services it calls at run time.',
          type: 'array',
          uniqueItems: true,
          items: {
            type: 'string',
          },
        },
        uses: {
          description: 'Resources it connects to.',
          type: 'array',
          uniqueItems: true,
          items: {
            type: 'string',
          },
        },
        run: {
          description: 'How the local driver starts one instance.',
          type: 'object',
          additionalProperties: false,
          required: ['command'],
          properties: {
            command: {
              $ref: '#/definitions/argv',
            },
            build: {
              $ref: '#/definitions/argv',
            },
          },
        },
        exec: {
          description: 'Exec driver commands, run with TRANCHE_* variables.',
          type: 'object',
          additionalProperties: false,
          required: ['deploy'],
          properties: {
            deploy: {
              $ref: '#/definitions/argv',
            },
            rollback: {
              $ref: '#/definitions/argv',
            },
            stop: {
              $ref: '#/definitions/argv',
            },
          },
        },
        kubernetes: {
          type: 'object',
          additionalProperties: false,
          required: ['deployment', 'image'],
          properties: {
            deployment: {
              type: 'string',
            },
            container: {
              type: 'string',
            },
            namespace: {
              type: 'string',
            },
            image: {
              description: 'Image reference; {commit} is replaced by the release commit.',
              type: 'string',
            },
          },
        },
        address: {
          description: 'Base URL of the running service per environment; may use ${KEY}.',
          type: 'object',
          additionalProperties: {
            type: 'string',
          },
        },
        config: {
          $ref: '#/definitions/config',
        },
        contracts: {
          $ref: '#/definitions/contracts',
        },
        checks: {
          type: 'object',
          additionalProperties: false,
          properties: {
            health: {
              $ref: '#/definitions/check',
            },
            sanity: {
              type: 'array',
              items: {
                $ref: '#/definitions/check',
              },
            },
          },
        },
      },
    },
    config: {
      type: 'object',
      additionalProperties: false,
      properties: {
        schema: {
          description: 'Every key the service reads.',
          type: 'object',
          propertyNames: {
            pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$',
          },
          additionalProperties: {
            $ref: '#/definitions/key',
          },
        },
        sources: {
          description: 'Config files, lowest precedence first; {env} is the environment name.',
          type: 'array',
          items: {
            $ref: '#/definitions/source',
          },
        },
        env: {
          description: 'Variables the deployment itself sets, per environment; highest precedence.',
          type: 'object',
          additionalProperties: {
            type: 'object',
            additionalProperties: {
              $ref: '#/definitions/scalar',
            },
          },
        },
      },
    },
    key: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: {
          enum: ['string', 'int', 'number', 'boolean', 'port', 'host', 'url', 'duration', 'enum', 'json'],
        },
        required: {
          type: 'boolean',
        },
        default: {
          description: 'The lowest-precedence value.',
        },
        bind: {
          description: "RESOURCE.FIELD: the resource's value in each environment.",
          type: 'string',
          pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*\\.[A-Za-z_][A-Za-z0-9_-]*$',
        },
        secret: {
          description: 'Never printed, logged or stored: shown as a fingerprint.',
          type: 'boolean',
        },
        same: {
          description:
            'Its value must be the same in these environments (true: every environment the service runs in); drift --values and config/drift report a difference.',
          oneOf: [
            {
              const: true,
            },
            {
              type: 'array',
              minItems: 2,
              uniqueItems: true,
              items: {
                type: 'string',
              },
            },
          ],
        },
        values: {
          description: 'The allowed values of an enum.',
          type: 'array',
          minItems: 1,
          items: {
            $ref: '#/definitions/scalar',
          },
        },
        description: {
          type: 'string',
        },
      },
    },
    source: {
      description:
        "One config source: a YAML/JSON file (file:), a dotenv file (dotenv:), a compose service (compose:), a Kubernetes workload's container (kubernetes:), Helm values (helm-values:), or a kustomize overlay (kustomize:).",
      type: 'object',
      additionalProperties: false,
      properties: {
        file: {
          type: 'string',
          minLength: 1,
        },
        dotenv: {
          type: 'string',
          minLength: 1,
        },
        compose: {
          description:
            "A compose file, or several merged in order (override files); relative to the service, {env} allowed. The service gets what the compose service's environment and env_file give it, interpolated against the project's .env.",
          allOf: [
            {
              $ref: '#/definitions/paths',
            },
          ],
        },
        kubernetes: {
          description:
            "Kubernetes manifests: a file or a directory (every YAML file below it), or a list of them; relative to the service, {env} allowed. The service gets what the workload's container gets: envFrom, then env, with ConfigMaps and Secrets found in the same manifests.",
          allOf: [
            {
              $ref: '#/definitions/paths',
            },
          ],
        },
        'helm-values': {
          description:
            'Helm values files, layered in order as Helm coalesces them (values.yaml, then values-{env}.yaml); relative to the service, {env} allowed. keys: says which config key is which value.',
          allOf: [
            {
              $ref: '#/definitions/paths',
            },
          ],
        },
        render: {
          description:
            "With helm-values: a command that renders the chart (helm template …), run in the fleet's directory, {env} allowed; what it prints is read as kubernetes (workload:, kind:, container:).",
          allOf: [
            {
              $ref: '#/definitions/argv',
            },
          ],
        },
        kustomize: {
          description:
            'A kustomize overlay directory, relative to the service, {env} allowed: rendered with kubectl kustomize and read as kubernetes (workload:, kind:, container:), each value traced to the file that sets it.',
          type: 'string',
          minLength: 1,
        },
        keys: {
          description:
            'With helm-values: config key → the path of its value in the values files (database.port, servers[0].host, annotations."example.com/tier").',
          type: 'object',
          minProperties: 1,
          additionalProperties: {
            type: 'string',
            minLength: 1,
          },
        },
        workload: {
          description: "With kubernetes, kustomize or a rendered chart: the workload's name (default: this service's name).",
          type: 'string',
          minLength: 1,
        },
        kind: {
          description:
            "With kubernetes, kustomize or a rendered chart: the workload's kind, when several have its name (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod).",
          enum: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'],
        },
        container: {
          description: "With kubernetes, kustomize or a rendered chart: the container (default: the workload's only one).",
          type: 'string',
          minLength: 1,
        },
        service: {
          description: "With compose: the compose service (default: this service's name).",
          type: 'string',
          minLength: 1,
        },
        shared: {
          description:
            "Whether other services read this source too (default: whether it lies outside the service's path and watched paths). A key a service does not declare in a shared source is not config/unknown-key there (a likely typo of a declared one still is).",
          type: 'boolean',
        },
        project_env: {
          description: "With compose: the project's .env (default: .env beside the first compose file); relative to the service.",
          type: 'string',
          minLength: 1,
        },
        optional: {
          type: 'boolean',
        },
        variables: {
          description:
            "Dotenv files whose values ${VAR} in this dotenv source may use when neither its earlier lines nor the service's lower layers set VAR (a compose project's .env), lowest precedence first; relative to the service, {env} allowed.",
          type: 'array',
          items: {
            type: 'string',
            minLength: 1,
          },
        },
        interpolate: {
          description: "Whether ${VAR} references in a dotenv source are resolved, with docker compose's rules (default true; false takes $ literally).",
          type: 'boolean',
        },
      },
    },
    contracts: {
      type: 'object',
      additionalProperties: false,
      properties: {
        provides: {
          type: 'object',
          additionalProperties: false,
          properties: {
            http: {
              description: 'OpenAPI 3.0 or 3.1 document.',
              type: 'string',
            },
            grpc: {
              description:
                "Its gRPC services: a .proto file or a directory of them, or { proto, root, category }: imports resolve from root (default: the directory given, or the file's folder), and category is the buf breaking category checked (default WIRE_JSON).",
              // By the value's type rather than oneOf: a problem is then told once, in the form written.
              if: { type: 'string' },
              then: { type: 'string', minLength: 1 },
              else: { $ref: '#/definitions/protoContract' },
            },
            events: {
              description: 'Each message it emits: a JSON Schema, or a protobuf message { proto, message, root, category }.',
              type: 'object',
              additionalProperties: {
                if: { type: 'string' },
                then: { type: 'string' },
                else: { $ref: '#/definitions/protoMessage' },
              },
            },
            asyncapi: {
              description: 'AsyncAPI 2.x or 3.0 document: it emits the events of the channels it sends to, and reads those of the channels it receives from.',
              type: 'string',
            },
          },
        },
        consumes: {
          description: 'Services whose HTTP API it calls, and events it reads.',
          type: 'object',
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            properties: {
              http: {
                type: 'boolean',
              },
              operations: {
                description: 'The operations it calls, METHOD /path; absent means every operation (an empty list would check none).',
                type: 'array',
                minItems: 1,
                items: {
                  type: 'string',
                  pattern: '^[A-Z]+ /',
                },
              },
              event: {
                type: 'boolean',
              },
              grpc: {
                type: 'boolean',
              },
              methods: {
                description: 'The gRPC methods it calls, Service/Method or package.Service/Method; absent means every method (an empty list would check none).',
                type: 'array',
                minItems: 1,
                items: {
                  type: 'string',
                  pattern: '^[A-Za-z_][A-Za-z0-9_.]*/[A-Za-z_][A-Za-z0-9_]*$',
                },
              },
            },
          },
        },
      },
    },
    protoContract: {
      type: 'object',
      additionalProperties: false,
      required: ['proto'],
      properties: {
        proto: { $ref: '#/definitions/protoPath' },
        root: { $ref: '#/definitions/protoRoot' },
        category: { $ref: '#/definitions/bufCategory' },
      },
    },
    protoMessage: {
      type: 'object',
      additionalProperties: false,
      required: ['proto', 'message'],
      properties: {
        proto: { $ref: '#/definitions/protoPath' },
        message: {
          description: 'The fully-qualified name of the message (package.Message).',
          type: 'string',
          pattern: '^[A-Za-z_][A-Za-z0-9_.]*$',
        },
        root: { $ref: '#/definitions/protoRoot' },
        category: { $ref: '#/definitions/bufCategory' },
      },
    },
    protoPath: {
      description: 'A .proto file or a directory of them, relative to the service.',
      type: 'string',
      minLength: 1,
    },
    protoRoot: {
      description: 'The directory imports resolve from, relative to the service (default: the directory given, or the folder of the file given).',
      type: 'string',
      minLength: 1,
    },
    bufCategory: {
      description: 'The buf breaking category checked between running versions (default WIRE_JSON).',
      enum: ['FILE', 'PACKAGE', 'WIRE_JSON', 'WIRE'],
    },
    check: {
      description: 'One check: exactly one of http, tcp, postgres, redis, kafka, amqp, nats or command.',
      type: 'object',
      additionalProperties: false,
      properties: {
        name: {
          description: 'How findings and progress name the check: one line, no control character.',
          type: 'string',
          pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$',
        },
        timeout: {
          $ref: '#/definitions/duration',
        },
        http: {
          type: 'object',
          additionalProperties: false,
          properties: {
            method: {
              type: 'string',
              pattern: '^[A-Za-z]+$',
            },
            path: {
              type: 'string',
            },
            url: {
              type: 'string',
            },
            headers: {
              type: 'object',
              additionalProperties: {
                type: 'string',
              },
            },
            body: {},
            timeout: {
              $ref: '#/definitions/duration',
            },
            max_body: {
              type: 'integer',
              minimum: 1,
              description: "The most bytes of the answer's body the check reads (default 1048576): a longer body fails the check.",
            },
            expect: {
              type: 'object',
              additionalProperties: false,
              properties: {
                status: {
                  type: ['integer', 'array'],
                  items: {
                    type: 'integer',
                  },
                },
                contains: {
                  type: 'string',
                },
                json: {
                  type: 'object',
                  additionalProperties: {
                    type: 'object',
                    additionalProperties: false,
                    properties: {
                      exists: {
                        type: 'boolean',
                      },
                      equals: {},
                      matches: {
                        type: 'string',
                      },
                    },
                  },
                },
              },
            },
          },
        },
        tcp: {
          type: 'object',
          additionalProperties: false,
          required: ['host', 'port'],
          properties: {
            host: {
              type: 'string',
            },
            port: {
              type: ['integer', 'string'],
            },
          },
        },
        postgres: {
          type: 'object',
          additionalProperties: false,
          properties: {
            url: {
              type: 'string',
            },
            host: {
              type: 'string',
            },
            port: {
              type: ['integer', 'string'],
            },
            database: {
              type: 'string',
            },
            user: {
              type: 'string',
            },
            password: {
              type: 'string',
            },
            query: {
              type: 'string',
            },
          },
        },
        redis: {
          type: 'object',
          additionalProperties: false,
          properties: {
            url: {
              type: 'string',
            },
            host: {
              type: 'string',
            },
            port: {
              type: ['integer', 'string'],
            },
          },
        },
        kafka: {
          type: 'object',
          additionalProperties: false,
          required: ['brokers'],
          properties: {
            brokers: {
              description: 'The bootstrap brokers: a list of host:port, or one string with commas between them.',
              type: ['string', 'array'],
              items: {
                type: 'string',
              },
            },
            topic: {
              type: 'string',
            },
            partitions: {
              description: 'The topic has exactly this many partitions.',
              type: ['integer', 'string'],
            },
            user: {
              type: 'string',
            },
            password: {
              type: 'string',
            },
            mechanism: {
              description: 'The SASL mechanism with user and password (default plain).',
              enum: ['plain', 'scram-sha-256', 'scram-sha-512'],
            },
            tls: {
              type: 'boolean',
            },
          },
        },
        amqp: {
          type: 'object',
          additionalProperties: false,
          properties: {
            url: {
              type: 'string',
            },
            host: {
              type: 'string',
            },
            port: {
              type: ['integer', 'string'],
            },
            vhost: {
              type: 'string',
            },
            user: {
              type: 'string',
            },
            password: {
              type: 'string',
            },
            queue: {
              type: 'string',
            },
            exchange: {
              type: 'string',
            },
            round_trip: {
              description: 'Publish a message to a temporary queue and get it back.',
              type: 'boolean',
            },
          },
        },
        nats: {
          type: 'object',
          additionalProperties: false,
          properties: {
            servers: {
              description: 'A list of host:port or nats:// URLs, or one string with commas between them.',
              type: ['string', 'array'],
              items: {
                type: 'string',
              },
            },
            host: {
              type: 'string',
            },
            port: {
              type: ['integer', 'string'],
            },
            user: {
              type: 'string',
            },
            password: {
              type: 'string',
            },
            token: {
              type: 'string',
            },
            stream: {
              type: 'string',
            },
            consumer: {
              type: 'string',
            },
            subject: {
              type: 'string',
            },
            request: {
              description: 'Send this payload to `subject` and wait for a reply.',
              type: 'string',
            },
            round_trip: {
              description: 'Publish a message on a fresh subject and receive it back.',
              type: 'boolean',
            },
          },
        },
        command: {
          $ref: '#/definitions/argv',
        },
      },
    },
  },
} as const;
