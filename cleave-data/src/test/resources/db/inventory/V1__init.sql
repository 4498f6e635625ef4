create table item (
    id       varchar(20) primary key,
    quantity integer not null
);
create table stock_movement (
    id    varchar(20) primary key,
    delta integer not null
);
insert into item (id, quantity) values ('i-1', 7);
