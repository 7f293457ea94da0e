"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/auth/action";
import { addGroupMember, removeGroupMember } from "@/lib/promotion/group-members";

export const addGroupMemberAction = defineAction({
  input: z.object({ environment: z.string().min(1), group: z.string().min(1), email: z.email("enter a user's email address") }),
  permission: "settings.manage",
  async run(input, { prisma, principal, ip }) {
    await addGroupMember(prisma, { id: principal.id, email: principal.email, ip }, input);
    revalidatePath("/settings/approval-groups");
    return { message: `Added ${input.email} to ${input.group}.` };
  },
});

export const removeGroupMemberAction = defineAction({
  input: z.object({ memberId: z.string().min(1) }),
  permission: "settings.manage",
  async run(input, { prisma, principal, ip }) {
    await removeGroupMember(prisma, { id: principal.id, email: principal.email, ip }, input.memberId);
    revalidatePath("/settings/approval-groups");
    return { message: "Member removed." };
  },
});
