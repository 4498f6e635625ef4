-- which products each confirmed order contained; nothing else about orders is needed here
create table order_product (
    order_id   uuid not null,
    product_id varchar(40) not null,
    primary key (order_id, product_id)
);

create index order_product_by_product on order_product (product_id);
