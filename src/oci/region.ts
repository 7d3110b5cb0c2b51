import { Region } from "oci-common";
import { UserError } from "../errors.ts";
import { editDistance } from "./near-matches.ts";

export interface ResolvedRegion {
  id: string;
  realmId: string;
  secondLevelDomain: string;
  /** False when the identifier is well-formed but this SDK version does not know it (a new region). */
  known: boolean;
}

const WELL_FORMED = /^[a-z]{2,}(-[a-z]+)+-[0-9]+$/;

/**
 * Resolves a region identifier (us-ashburn-1) or a region key (IAD, nrt) with the SDK's region table.
 * An unknown but well-formed identifier is accepted in the commercial realm, with a warning, so a
 * region newer than the SDK does not block anyone.
 */
export function resolveRegion(
  value: string,
  inputName: string,
  warn: (message: string) => void,
): ResolvedRegion {
  const input = value.trim();
  let id = input.toLowerCase();
  if (/^[a-z]{3}$/.test(id)) {
    id = Region.getRegionIdFromShortCode(id) ?? id;
  }
  const region = WELL_FORMED.test(id) ? Region.fromRegionId(id) : undefined;
  if (region) {
    return {
      id,
      realmId: region.realm.realmId,
      secondLevelDomain: region.realm.secondLevelDomain,
      known: true,
    };
  }
  if (!WELL_FORMED.test(id)) {
    const hint = closestKnownRegion(id);
    throw new UserError(
      `${inputName} ${JSON.stringify(input)} is not an OCI region identifier like us-ashburn-1 or ap-tokyo-1${hint ? ` (did you mean ${hint}?)` : ""}.`,
    );
  }
  const hint = closestKnownRegion(id);
  warn(
    `${inputName} ${id} is not in this SDK's region list${hint ? ` (did you mean ${hint}?)` : ""}; assuming the commercial realm (oraclecloud.com).`,
  );
  return { id, realmId: "oc1", secondLevelDomain: "oraclecloud.com", known: false };
}

function closestKnownRegion(id: string): string | undefined {
  let best: { id: string; distance: number } | undefined;
  for (const region of Region.values()) {
    const distance = editDistance(id, region.regionId);
    if (!best || distance < best.distance) best = { id: region.regionId, distance };
  }
  return best && best.distance <= 3 ? best.id : undefined;
}

/** The Functions API endpoint the Fn CLI's oracle provider derives: https://functions.<region>.oci.<domain>. */
export function functionsApiUrl(region: ResolvedRegion): string {
  return `https://functions.${region.id}.oci.${region.secondLevelDomain}`;
}

/** The OCIR host for a region: ocir.<region>.oci.<domain>. */
export function ocirHost(region: ResolvedRegion): string {
  return `ocir.${region.id}.oci.${region.secondLevelDomain}`;
}
