create table stock (
    product_id varchar(40) primary key,
    on_hand    int not null,
    reserved   int not null,
    constraint stock_counts check (reserved >= 0 and on_hand >= reserved)
);

-- status: HELD, then exactly one of COMMITTED, RELEASED, EXPIRED
create table reservation (
    order_id   uuid not null,
    product_id varchar(40) not null,
    quantity   int not null check (quantity > 0),
    status     varchar(10) not null,
    expires_at timestamp with time zone not null,
    primary key (order_id, product_id)
);

create index reservation_lapse on reservation (status, expires_at);
