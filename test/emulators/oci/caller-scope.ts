// What a caller may see: resources of its own tenancy. Anything else, missing or foreign, is the
// same 404 NotAuthorizedOrNotFound, so a client cannot probe other tenancies.
import { missingParameter, notAuthorizedOrNotFound } from "./errors.ts";
import type { RouteContext } from "./router.ts";
import type { Tenancy } from "./state.ts";

export function requiredQuery(context: RouteContext, name: string): string {
  const value = context.query.get(name);
  if (!value) throw missingParameter(`${name} is required.`);
  return value;
}

/** The required `compartmentId` query parameter, when it names one of the caller's compartments. */
export function queriedCompartment(context: RouteContext): { compartmentId: string; tenancy: Tenancy } {
  const compartmentId = requiredQuery(context, "compartmentId");
  return { compartmentId, tenancy: visibleCompartment(context, compartmentId) };
}

/** The caller's tenancy when `compartmentId` is one of its compartments. */
export function visibleCompartment(context: RouteContext, compartmentId: string): Tenancy {
  const tenancy = context.state.tenancyOfCompartment(compartmentId);
  if (!tenancy || tenancy.id !== context.caller?.tenancyId) throw notAuthorizedOrNotFound();
  return tenancy;
}

/** The record when it belongs to the caller's tenancy. */
export function visible<T extends { tenancyId: string }>(context: RouteContext, record: T | undefined): T {
  if (!record || record.tenancyId !== context.caller?.tenancyId) throw notAuthorizedOrNotFound();
  return record;
}
