// CreateFunction/UpdateFunction bodies checked against the SDK's own model (field names from
// @alicloud/fc20230330) and FC 3.0's rules, and the Function record GetFunction returns.

import { CreateFunctionInput, UpdateFunctionInput } from "@alicloud/fc20230330";
import { unzipSync } from "fflate";
import type { Json } from "../json.ts";
import { acs } from "./errors.ts";

const CREATE_FIELDS = new Set(Object.values(CreateFunctionInput.names()));
const UPDATE_FIELDS = new Set(Object.values(UpdateFunctionInput.names()));
export const CONTAINER_RUNTIME = "custom-container";
const RUNTIMES = new Set([
  "nodejs20",
  "nodejs18",
  "nodejs16",
  "python3.12",
  "python3.10",
  "python3.9",
  "java11",
  "java8",
  "php7.2",
  "go1",
  "dotnetcore3.1",
  "custom",
  "custom.debian10",
  "custom.debian11",
  "custom.debian12",
  CONTAINER_RUNTIME,
]);

export interface CheckedBody {
  fields: Json;
  zip?: Buffer;
  image?: string;
}

/** Throws InvalidArgument for anything FC would refuse; returns the fields to store. */
export function checkFunctionBody(body: unknown, kind: "create" | "update", current?: Json): CheckedBody {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw acs.invalidArgument("the request body must be a JSON object");
  const fields = body as Json;
  const allowed = kind === "create" ? CREATE_FIELDS : UPDATE_FIELDS;
  for (const key of Object.keys(fields)) {
    if (!allowed.has(key)) throw acs.invalidArgument(`unknown field ${key}`);
  }
  const merged = { ...current, ...fields };
  if (kind === "create" && !/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(String(fields.functionName ?? "")))
    throw acs.invalidArgument("functionName is invalid");
  const runtime = String(merged.runtime ?? "");
  if (!RUNTIMES.has(runtime)) throw acs.invalidArgument(`runtime ${runtime} is not supported`);
  if (typeof merged.handler !== "string" || merged.handler === "")
    throw acs.invalidArgument("handler is required");
  const memory = merged.memorySize ?? 512;
  if (
    !Number.isInteger(memory) ||
    (memory as number) < 128 ||
    (memory as number) > 32768 ||
    (memory as number) % 64 !== 0
  )
    throw acs.invalidArgument("memorySize must be a multiple of 64 from 128 to 32768");
  const timeout = merged.timeout ?? 3;
  if (!Number.isInteger(timeout) || (timeout as number) < 1 || (timeout as number) > 86400)
    throw acs.invalidArgument("timeout must be from 1 to 86400");
  if (merged.role !== undefined && typeof merged.role !== "string")
    throw acs.invalidArgument("role must be a string");
  const env = merged.environmentVariables ?? {};
  if (
    typeof env !== "object" ||
    env === null ||
    Object.values(env).some((value) => typeof value !== "string")
  )
    throw acs.invalidArgument("environmentVariables must map names to strings");

  const result: CheckedBody = { fields };
  const code = fields.code as { zipFile?: unknown } | undefined;
  const container = fields.customContainerConfig as { image?: unknown; port?: unknown } | undefined;
  if (runtime === CONTAINER_RUNTIME) {
    if (code) throw acs.invalidArgument("code is not allowed with runtime custom-container");
    const image =
      container?.image ?? (current?.customContainerConfig as { image?: unknown } | undefined)?.image;
    if (typeof image !== "string" || image === "")
      throw acs.invalidArgument("customContainerConfig.image is required for runtime custom-container");
    result.image = image;
  } else {
    if (container)
      throw acs.invalidArgument(`customContainerConfig is only allowed with runtime ${CONTAINER_RUNTIME}`);
    if (kind === "create" && !code) throw acs.invalidArgument("code is required");
    if (code) {
      if (typeof code.zipFile !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(code.zipFile))
        throw acs.invalidArgument("code.zipFile must be a base64-encoded zip");
      const zip = Buffer.from(code.zipFile, "base64");
      try {
        unzipSync(new Uint8Array(zip));
      } catch {
        throw acs.invalidArgument("code.zipFile is not a valid zip file");
      }
      result.zip = zip;
    }
  }
  return result;
}

/** CRC-64/XZ of the package, as FC's codeChecksum (an independent copy of the algorithm). */
export function codeChecksum(data: Buffer): string {
  let crc = 0xffffffffffffffffn;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ 0xc96c5795d7870f42n : crc >> 1n;
  }
  return (crc ^ 0xffffffffffffffffn).toString();
}
