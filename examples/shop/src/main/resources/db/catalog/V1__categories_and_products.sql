create table category (
    id       varchar(40) primary key,
    name     varchar(100) not null,
    icon     varchar(16) not null,
    position int not null
);

create table product (
    id          varchar(40) primary key,
    name        varchar(200) not null,
    description varchar(2000) not null,
    category_id varchar(40) not null references category (id),
    price       decimal(12, 2) not null check (price >= 0),
    -- lower-cased name, description and category name: what word search matches against
    search_text varchar(2400) not null
);

create index product_category on product (category_id);
