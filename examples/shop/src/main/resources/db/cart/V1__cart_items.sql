create table cart_item (
    user_id    uuid not null,
    product_id varchar(40) not null,
    quantity   int not null check (quantity between 1 and 99),
    added_at   timestamp with time zone not null,
    primary key (user_id, product_id)
);
