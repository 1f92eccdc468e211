/** Where a value stands in an AsyncAPI document: the keys and indexes that lead to it from the root. */
export type DocumentPath = (string | number)[];

/** How a message's payload is written: JSON Schema (AsyncAPI's default, OpenAPI schemas included) or Avro. */
export type PayloadFormat = 'json-schema' | 'avro';

/** One message a channel carries: its name (messageId, name or component key), and its payload schema. */
export interface AsyncApiMessage {
  name: string;
  format: PayloadFormat;
  /** The payload schema, `$ref`s resolved; `{}` (anything) when the message declares none. */
  payload: unknown;
}

/**
 * The broker-side thing a channel names: a Kafka topic, an AMQP queue or exchange, a NATS
 * subject, or (no protocol known) the channel itself.
 */
export interface Destination {
  kind: 'topic' | 'queue' | 'exchange' | 'subject' | 'channel';
  name: string;
}

/** A channel of the document, with the messages the application sends to it and receives from it. */
export interface AsyncApiChannel {
  /** The key under `channels`. */
  key: string;
  /** Where messages go: the channel name in 2.x, `address` (or the key, when it has none) in 3.0. */
  address: string;
  /** `kafka`, `amqp`, `nats`, … from the channel's bindings or its servers; absent when unknown or ambiguous. */
  protocol?: string;
  destination: Destination;
  sends: AsyncApiMessage[];
  receives: AsyncApiMessage[];
  /** Where the document says it receives from this channel (the operation), when it does. */
  receivePath?: DocumentPath;
}

/** An AsyncAPI document as tranche reads it: its channels, in document order. */
export interface AsyncApiContract {
  version: string;
  channels: AsyncApiChannel[];
}

/** A document that cannot be read as AsyncAPI, at the place in it that says why. */
export class AsyncApiProblem extends Error {
  constructor(
    message: string,
    readonly path: DocumentPath,
  ) {
    super(message);
    this.name = 'AsyncApiProblem';
  }
}
