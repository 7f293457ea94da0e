/**
 * What a registry, environment or probe name may be, and what a ${ENV_VAR} reference looks like:
 * one definition for dockmaster.yaml and for the admin forms, so a name accepted in one is
 * accepted in the other.
 */
import { z } from "zod";

export const ENV_REF = /^\$\{([A-Z_][A-Z0-9_]*)\}$/;
export const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const NAME_RULE = "lowercase letters, digits, '.', '_' or '-' (max 63)";

/** a name in dockmaster.yaml */
export const configName = z.string().regex(NAME, `must be ${NAME_RULE}`);
/** a name typed into a form (surrounding spaces trimmed) */
export const formName = z.string().trim().regex(NAME, NAME_RULE);

export function envRefName(value: string | undefined): string | undefined {
  return value ? ENV_REF.exec(value)?.[1] : undefined;
}
