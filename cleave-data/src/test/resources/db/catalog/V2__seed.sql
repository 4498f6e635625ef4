insert into item (id, name) values ('c-1', 'catalog item');
