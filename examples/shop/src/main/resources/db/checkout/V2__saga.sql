-- Orders are placed by a durable saga (journaled in cleave_saga, which cleave-saga creates):
-- its own lease replaces the order's.
alter table customer_order drop column lease_until;
