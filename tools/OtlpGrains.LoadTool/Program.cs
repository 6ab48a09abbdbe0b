// Replaced by the load tool.
return 0;
