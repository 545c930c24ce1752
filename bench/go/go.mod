module maprace/bench

go 1.19
