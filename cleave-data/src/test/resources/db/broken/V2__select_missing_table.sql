insert into no_such_table (id) values (1);
