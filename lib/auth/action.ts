import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import type { PrismaClient } from "@/lib/db/generated/client";
import { getPrisma } from "@/lib/runtime";
import type { Action, Resource } from "./policy";
import { AuthError, currentPrincipal, requirePermission, type Principal } from "./session";
import { fieldErrorsOf, type ActionState } from "./action-state";
import { toCallerError } from "@/lib/error-contract";
import { FieldError, UserFacingError } from "@/lib/errors";
import type { ActorContext } from "./users";

export type { ActionState } from "./action-state";

export interface ActionContext extends ActorContext {
  principal: Principal;
  prisma: PrismaClient;
}

interface Definition<S extends z.ZodType, T> {
  input: S;
  /**
   * The permission to check, possibly depending on the parsed input (e.g. its environment), or
   * "checked-by-service" when only the lib service can know the resource (it loads the record and
   * calls enforce() itself, e.g. approving a promotion checks the promotion's target environment).
   */
  permission: Action | ((input: z.infer<S>) => [Action, Resource]) | "checked-by-service";
  run(input: z.infer<S>, ctx: ActionContext): Promise<{ message: string; data?: T }>;
}

function formToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    if (key.startsWith("$ACTION")) continue;
    const values = form.getAll(key);
    out[key] = values.length > 1 ? values : values[0];
  }
  return out;
}

/**
 * The form field a service's refusal is about, if it names one: a FieldError, or a refusal of its
 * own kind carrying `field` (a promotion whose tag does not exist points at the reference field).
 */
function fieldOf(err: unknown): { name: string; problem: string } | null {
  if (err instanceof FieldError) return { name: err.field, problem: err.problem };
  const field = err instanceof UserFacingError ? (err as UserFacingError & { field?: unknown }).field : undefined;
  if (typeof field === "string") return { name: field, problem: (err as Error).message };
  return null;
}

/**
 * A server action in three steps, the same for every mutation: who is calling and may they
 * (checked on the server, whatever the UI showed), is the input valid, then the lib service.
 * Failures follow the one error contract (lib/error-contract.ts), as in the REST API.
 */
export function defineAction<S extends z.ZodType, T = unknown>(def: Definition<S, T>) {
  return async function action(_prev: ActionState<T> | undefined, form: FormData): Promise<ActionState<T>> {
    try {
      const principal = await currentPrincipal();
      if (!principal) throw new AuthError(401, "You are not signed in.");
      const parsed = def.input.safeParse(formToObject(form));
      if (!parsed.success) {
        const fieldErrors = fieldErrorsOf(parsed.error.issues);
        // Authorization comes first even for bad input, so a refused caller learns nothing about validation.
        if (typeof def.permission === "string" && def.permission !== "checked-by-service") await requirePermission(principal, def.permission);
        return { status: "error", message: "Please correct the highlighted fields.", fieldErrors };
      }
      if (def.permission !== "checked-by-service") {
        const [perm, resource] = typeof def.permission === "string" ? [def.permission, {}] : def.permission(parsed.data);
        await requirePermission(principal, perm, resource);
      }
      const prisma = await getPrisma();
      const result = await def.run(parsed.data, { principal, prisma, actor: { id: principal.id, email: principal.email }, ip: principal.ip });
      return { status: "ok", ...result };
    } catch (err) {
      // redirect() and notFound() inside run() are control flow for Next, not failures.
      unstable_rethrow(err);
      const field = fieldOf(err);
      if (field) return { status: "error", message: "Please correct the highlighted fields.", fieldErrors: { [field.name]: [field.problem] } };
      // the same contract as the REST API: refusals and registry failures say what went wrong,
      // anything else only a request id that finds the full error in the log
      return { status: "error", message: toCallerError(err, "[action]").message };
    }
  };
}
