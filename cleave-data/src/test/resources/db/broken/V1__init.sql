create table fine (id integer primary key);
