import { Badge } from "@/components/ui/badge";

const tone = {
  requested: "amber",
  approved: "sky",
  scheduled: "amber",
  copying: "sky",
  verified: "green",
  failed: "red",
  rejected: "slate",
  rolled_back: "slate",
  withdrawn: "slate",
} as const;

export function PromotionStatus({ status }: { status: keyof typeof tone }) {
  return (
    <span data-testid="promotion-status">
      <Badge tone={tone[status]}>{status.replace("_", " ")}</Badge>
    </span>
  );
}
