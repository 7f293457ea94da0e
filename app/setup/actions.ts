"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { fieldErrorsOf, type ActionState } from "@/lib/auth/action-state";
import { completeSetup, setupRequired } from "@/lib/auth/bootstrap";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { requestIp } from "@/lib/auth/request";
import { InvalidInputError } from "@/lib/errors";
import { getPrisma } from "@/lib/runtime";

const input = z
  .object({
    email: z.email("enter a valid email address"),
    name: z.string().trim().max(200).optional(),
    password: z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "passwords do not match" });

/**
 * The one action without requirePermission: no account exists yet to hold a permission.
 * completeSetup claims a one-time row, so this cannot create a second admin later.
 */
export async function createFirstAdmin(_prev: ActionState | undefined, form: FormData): Promise<ActionState> {
  const prisma = await getPrisma();
  if (!(await setupRequired(prisma))) return { status: "error", message: "Setup has already been completed. Sign in instead." };
  const parsed = input.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    return { status: "error", message: "Please correct the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error.issues) };
  }
  try {
    await completeSetup(prisma, parsed.data, await requestIp(), "setup-page");
  } catch (err) {
    if (err instanceof InvalidInputError) return { status: "error", message: err.message };
    throw err;
  }
  redirect("/signin");
}
