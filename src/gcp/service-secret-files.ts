import { createHash } from "node:crypto";
import { posix } from "node:path";
import type { protos } from "@google-cloud/run";
import type { EnvUpdate, SecretRef } from "./service-env.ts";

type Volume = protos.google.cloud.run.v2.IVolume;
type VolumeMount = protos.google.cloud.run.v2.IVolumeMount;

export interface SecretFilesWanted {
  /** Absolute file path in the container -> the secret version it holds. */
  files: Record<string, SecretRef>;
  update: EnvUpdate;
}

export interface MountedVolumes {
  volumes: Volume[];
  mounts: VolumeMount[];
}

/**
 * The revision's volumes and the container's mounts after the deploy. Cloud Run mounts a secret volume on a
 * folder, one file per version item (SecretVolumeSource.items), so the files are grouped by folder, one
 * volume each. Under replace the listed files are the service's only mounted secrets; under merge only
 * mounts on the listed folders change. Other volumes (Cloud SQL, emptyDir, ...) always stay, and so does a
 * volume a sidecar container still mounts.
 */
export function volumesToSend(
  current: MountedVolumes,
  wanted: SecretFilesWanted,
  usedBySidecars: ReadonlySet<string | null | undefined> = new Set(),
): MountedVolumes {
  const ours = secretVolumes(wanted.files);
  const folders = new Set(ours.mounts.map((mount) => mount.mountPath));
  const secretNames = new Set(current.volumes.filter((v) => v.secret).map((v) => v.name));
  const kept = current.mounts.filter(
    (mount) => !folders.has(mount.mountPath) && !(wanted.update === "replace" && secretNames.has(mount.name)),
  );
  const keptNames = new Set(kept.map((mount) => mount.name));
  const dropped = new Set(current.mounts.filter((m) => !kept.includes(m)).map((m) => m.name));
  const ourNames = new Set(ours.volumes.map((volume) => volume.name));
  const volumes = current.volumes.filter(
    (volume) =>
      !ourNames.has(volume.name) &&
      (keptNames.has(volume.name) || usedBySidecars.has(volume.name) || !dropped.has(volume.name)),
  );
  return { volumes: [...volumes, ...ours.volumes], mounts: [...kept, ...ours.mounts] };
}

/** The secret files a revision mounts, as "path=secret:version" sorted, to compare two revisions. */
export function mountedSecretFiles(state: MountedVolumes): string[] {
  const byName = new Map(state.volumes.map((volume) => [volume.name, volume]));
  const files: string[] = [];
  for (const mount of state.mounts) {
    const source = byName.get(mount.name)?.secret;
    if (!source) continue;
    const items = source.items?.length ? source.items : [{ path: source.secret ?? "", version: "latest" }];
    for (const item of items) {
      files.push(`${posix.join(mount.mountPath ?? "", item.path ?? "")}=${source.secret}:${item.version}`);
    }
  }
  return files.sort();
}

function secretVolumes(files: Record<string, SecretRef>): MountedVolumes {
  const byFolder = new Map<string, { secret: string; items: { path: string; version: string }[] }>();
  for (const [path, ref] of Object.entries(files)) {
    const folder = posix.dirname(path);
    const entry = byFolder.get(folder) ?? { secret: ref.secret, items: [] };
    entry.items.push({ path: posix.basename(path), version: ref.version });
    byFolder.set(folder, entry);
  }
  const volumes: Volume[] = [];
  const mounts: VolumeMount[] = [];
  for (const [folder, source] of byFolder) {
    const name = secretVolumeName(folder);
    volumes.push({ name, secret: { secret: source.secret, items: source.items } });
    mounts.push({ name, mountPath: folder });
  }
  return { volumes, mounts };
}

/** One stable name per folder, so a re-run sends the same volume and changes nothing. */
function secretVolumeName(folder: string): string {
  return `secret-${createHash("sha256").update(folder).digest("hex").slice(0, 10)}`;
}
