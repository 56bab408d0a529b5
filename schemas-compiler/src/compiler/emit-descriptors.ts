// Builds the binary descriptor set (FileDescriptorSet) for runtime encode/decode straight from the model,
// mirroring emit-proto.ts line by line (a test compares it with what `buf build` makes of the .proto files).
// Includes the well-known types it imports, so a consumer needs nothing else.
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import {
  type DescriptorProtoSchema,
  type EnumDescriptorProtoSchema,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  type FieldDescriptorProtoSchema,
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  file_google_protobuf_any,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
} from "@bufbuild/protobuf/wkt";
import {
  defaultJsonName,
  ENTITY_PACKAGE,
  ENVELOPE_PACKAGE,
  entityProtoPath,
  enumValueProtoName,
  enumZeroValueName,
} from "@facsimile/schemas";
import { entityImports } from "./emit-proto.js";
import type {
  NumberedEntity,
  NumberedEnum,
  NumberedField,
  NumberedMessage,
  Retired,
  ScalarKind,
} from "./model.js";
import { ANY_PROTO_PATH, ENVELOPE_PROTO_PATH, qualifiedTypeName } from "./proto-types.js";

type FieldInit = MessageInitShape<typeof FieldDescriptorProtoSchema>;
type MessageInit = MessageInitShape<typeof DescriptorProtoSchema>;
type EnumInit = MessageInitShape<typeof EnumDescriptorProtoSchema>;

const T = FieldDescriptorProto_Type;
const SCALAR_TYPES: Readonly<Record<ScalarKind, FieldDescriptorProto_Type>> = Object.freeze({
  string: T.STRING,
  bool: T.BOOL,
  int32: T.INT32,
  int64: T.INT64,
  double: T.DOUBLE,
});

function field(
  name: string,
  number: number,
  type: FieldDescriptorProto_Type,
  typeName?: string,
  oneofIndex?: number,
): FieldInit {
  return {
    name,
    number,
    label: FieldDescriptorProto_Label.OPTIONAL,
    type,
    ...(typeName === undefined ? {} : { typeName }),
    jsonName: defaultJsonName(name),
    ...(oneofIndex === undefined ? {} : { oneofIndex }),
  };
}

function entityField(entity: string, f: NumberedField, oneofIndex: number | undefined): FieldInit {
  const typeName = qualifiedTypeName(f.type, entity);
  const type =
    f.type.kind === "scalar" ? SCALAR_TYPES[f.type.scalar] : f.type.kind === "enum" ? T.ENUM : T.MESSAGE;
  return {
    name: f.protoName,
    number: f.number,
    label: f.repeated ? FieldDescriptorProto_Label.REPEATED : FieldDescriptorProto_Label.OPTIONAL,
    type,
    ...(typeName === undefined ? {} : { typeName }),
    jsonName: f.tsName,
    ...(f.deprecated ? { options: { deprecated: true } } : {}),
    ...(oneofIndex === undefined ? {} : { oneofIndex, proto3Optional: true }),
  };
}

function reserved(retired: readonly Retired[], live: ReadonlySet<string>, nameOf: (r: Retired) => string) {
  const numbers = [...new Set(retired.map((r) => r.number))].sort((a, b) => a - b);
  const names = [...new Set(retired.map(nameOf).filter((n) => !live.has(n)))].sort();
  return { numbers, names };
}

function messageProto(
  entity: string,
  m: NumberedMessage,
  nested: MessageInit[],
  enums: EnumInit[],
): MessageInit {
  const optionals = m.fields.filter((f) => f.optional && !f.repeated);
  const fields = m.fields.map((f) => {
    const i = optionals.indexOf(f);
    return entityField(entity, f, i >= 0 ? i : undefined);
  });
  const r = reserved(m.retired, new Set(m.fields.map((f) => f.protoName)), (x) => x.name);
  return {
    name: m.name,
    field: fields,
    nestedType: nested,
    enumType: enums,
    oneofDecl: optionals.map((f) => ({ name: `_${f.protoName}` })),
    reservedRange: r.numbers.map((n) => ({ start: n, end: n + 1 })),
    reservedName: r.names,
  };
}

function enumProto(e: NumberedEnum): EnumInit {
  const r = reserved(e.retired, new Set(e.values.map((v) => v.name)), (x) =>
    enumValueProtoName(e.name, x.name),
  );
  return {
    name: e.name,
    value: [
      { name: enumZeroValueName(e.name), number: 0 },
      ...e.values.map((v) => ({
        name: enumValueProtoName(e.name, v.name),
        number: v.number,
        ...(v.deprecated ? { options: { deprecated: true } } : {}),
      })),
    ],
    reservedRange: r.numbers.map((n) => ({ start: n, end: n })),
    reservedName: r.names,
  };
}

export function entityFileDescriptor(entity: NumberedEntity): FileDescriptorProto {
  const [root, ...nested] = entity.messages;
  if (root === undefined) throw new Error(`entity ${entity.name} has no message`);
  return create(FileDescriptorProtoSchema, {
    name: entityProtoPath(entity.name),
    package: ENTITY_PACKAGE,
    dependency: entityImports(entity),
    messageType: [
      messageProto(
        entity.name,
        root,
        nested.map((m) => messageProto(entity.name, m, [], [])),
        entity.enums.map(enumProto),
      ),
    ],
    syntax: "proto3",
  });
}

export function envelopeFileDescriptor(): FileDescriptorProto {
  const ari = `.${ENVELOPE_PACKAGE}.Ari`;
  return create(FileDescriptorProtoSchema, {
    name: ENVELOPE_PROTO_PATH,
    package: ENVELOPE_PACKAGE,
    dependency: [ANY_PROTO_PATH],
    messageType: [
      { name: "Ari", field: [field("value", 1, T.STRING)] },
      {
        name: "FacsimileRecord",
        field: [
          field("resource_ari", 1, T.MESSAGE, ari),
          field("entity_type", 2, T.INT32),
          field("workspace_id", 3, T.MESSAGE, ari),
          field("version", 4, T.INT64),
          field("generation_watermark", 5, T.INT64),
          field("is_tombstone", 6, T.BOOL),
          field("entity", 7, T.MESSAGE, ".google.protobuf.Any", 0),
          field("offload_pointer", 8, T.MESSAGE, `.${ENVELOPE_PACKAGE}.OffloadPointer`, 0),
        ],
        oneofDecl: [{ name: "payload" }],
      },
      {
        name: "OffloadPointer",
        field: [
          field("uri", 1, T.STRING),
          field("sha256", 2, T.STRING),
          field("size_bytes", 3, T.INT64),
          field("type_url", 4, T.STRING),
        ],
      },
    ],
    syntax: "proto3",
  });
}

/** Well-known types first, then the envelope, then entities: every file after the files it imports. */
export function emitDescriptorSet(entities: readonly NumberedEntity[]): Uint8Array {
  const file = [
    file_google_protobuf_any.proto,
    file_google_protobuf_timestamp.proto,
    file_google_protobuf_wrappers.proto,
    envelopeFileDescriptor(),
    ...entities.map(entityFileDescriptor),
  ];
  return toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file }));
}
