create table customer_order (
    id           uuid primary key,
    user_id      uuid not null,
    status       varchar(10) not null,      -- PENDING, CONFIRMED, FAILED
    total        decimal(12, 2) not null,
    card_last4   varchar(4) not null,
    failure_kind varchar(20) not null,      -- '', INVALID, OUT_OF_STOCK, DECLINED, ERROR
    failure      varchar(500) not null,
    placed_at    timestamp with time zone not null,
    -- a request placing a PENDING order holds it until then; a retry after that resumes it
    lease_until  timestamp with time zone not null
);

create index customer_order_by_user on customer_order (user_id, placed_at);

create table order_line (
    order_id   uuid not null references customer_order (id),
    position   int not null,
    product_id varchar(40) not null,
    name       varchar(200) not null,
    unit_price decimal(12, 2) not null,
    quantity   int not null,
    primary key (order_id, position)
);
