-- A requester may withdraw a promotion request still awaiting approval (issue #13 item 1): a status of
-- its own, so the queue, the timeline and the evidence all say who ended it and how.
-- ADD VALUE inside a transaction is fine as long as nothing in it uses the new value.
ALTER TYPE "PromotionStatus" ADD VALUE 'withdrawn';
