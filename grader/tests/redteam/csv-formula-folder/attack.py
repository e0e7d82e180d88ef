"""A submission folder whose name is a spreadsheet formula."""
# the lesson itself is the reference solution
