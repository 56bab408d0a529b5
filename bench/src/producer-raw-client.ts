// The baseline of the producer-throughput benchmark: the Kafka client the bus uses, driven directly with the
// producer settings of KafkaTransport (idempotent, acks=all, one request in flight, the same compression),
// sending the SDK's own envelope bytes in batches of the SDK's in-flight window. No validation, no encoding,
// no batching logic: what the broker and the client cost on their own.
import { CompressionTypes, Kafka, logLevel, type Message, Partitioners } from "kafkajs";

export interface RawMessage {
  readonly key: string;
  readonly value: Uint8Array;
}

export interface RawProducer {
  readonly client: string;
  /** Sends the messages in order, `window` at a time, each window acknowledged before the next. */
  sendAll(topic: string, messages: readonly RawMessage[], window: number): Promise<void>;
  close(): Promise<void>;
}

export async function rawKafkajsProducer(
  brokers: readonly string[],
  compression: "gzip" | "none",
): Promise<RawProducer> {
  const kafka = new Kafka({
    clientId: "bench-raw-producer",
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const codec = compression === "gzip" ? CompressionTypes.GZIP : CompressionTypes.None;
  return {
    client: "kafkajs",
    async sendAll(topic, messages, window) {
      for (let i = 0; i < messages.length; i += window) {
        const batch: Message[] = messages.slice(i, i + window).map((m) => ({
          key: m.key,
          value: Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength),
        }));
        await producer.send({ topic, messages: batch, acks: -1, compression: codec });
      }
    },
    close: () => producer.disconnect(),
  };
}
