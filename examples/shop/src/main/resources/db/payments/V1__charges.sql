-- one row per order: the order id is the idempotency key of a charge
create table charge (
    order_id   uuid primary key,
    user_id    uuid,            -- null only for VOIDED rows (refunded before any charge)
    amount     decimal(12, 2) not null,
    card_last4 varchar(4) not null,
    status     varchar(10) not null,
    message    varchar(200) not null,
    created_at timestamp with time zone not null
);

create index charge_user on charge (user_id, created_at);
