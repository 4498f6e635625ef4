-- Orders whose units were taken out of their customer's cart: removing an order's units again
-- (a checkout step repeated after a crash) changes nothing.
create table removed_order (
    order_id   uuid primary key,
    user_id    uuid not null,
    removed_at timestamp with time zone not null
);
